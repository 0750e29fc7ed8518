import { TestBed } from '@angular/core/testing';
import { of } from 'rxjs';
import { NotificationPreferencesStore, withRuleMuted } from './notification-preferences-store';
import { NotificationsApi } from './notifications-api';
import type { NotificationPreferences } from '../../../../contracts/api';
import { DEFAULT_EMAIL_PREFERENCES } from '../../../../contracts/email';

describe('NotificationPreferencesStore', () => {
  it('adds a rule once and removes it, keeping the others in order', () => {
    expect(withRuleMuted(['a', 'b'], 'c', true)).toEqual(['a', 'b', 'c']);
    expect(withRuleMuted(['a', 'c', 'b'], 'c', true)).toEqual(['a', 'b', 'c']);
    expect(withRuleMuted(['a', 'c', 'b'], 'c', false)).toEqual(['a', 'b']);
    expect(withRuleMuted([], 'c', false)).toEqual([]);
  });

  it('"Mute this rule" re-reads the saved preferences and changes only mutedRuleIds', () => {
    // Saved meanwhile in another tab: quiet hours, desktop, and a field this console version does not know.
    const onServer = {
      minToastPriority: 'HIGH', mutedRuleIds: ['r0'], quietHours: { start: '22:00', end: '07:00', timeZone: 'UTC' }, desktop: true,
      email: { enabled: true },
    } as unknown as NotificationPreferences;
    const saved: NotificationPreferences[] = [];
    const api = {
      preferences: vi.fn(() => of(onServer)),
      savePreferences: vi.fn((p: NotificationPreferences) => {
        saved.push(p);
        return of(p);
      }),
    };
    TestBed.configureTestingModule({ providers: [{ provide: NotificationsApi, useValue: api }] });
    const store = TestBed.inject(NotificationPreferencesStore);
    store.set({ minToastPriority: 'LOW', mutedRuleIds: [], quietHours: null, desktop: false, email: DEFAULT_EMAIL_PREFERENCES });

    store.setRuleMuted('r1', true).subscribe();
    expect(saved).toEqual([{ ...onServer, mutedRuleIds: ['r0', 'r1'] }]);
    expect(store.isMuted('r1')).toBe(true);
    expect(store.isMuted(null)).toBe(false);
    expect(store.desktop()).toBe(true);
  });
});
