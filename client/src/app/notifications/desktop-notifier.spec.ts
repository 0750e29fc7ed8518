import { TestBed } from '@angular/core/testing';
import { signal } from '@angular/core';
import { Router } from '@angular/router';
import { Subject, of } from 'rxjs';
import { DesktopNotifier } from './desktop-notifier';
import { NotificationStore } from './notification-store';
import { NotificationPreferencesStore } from './notification-preferences-store';
import type { LiveNotification } from '../../../../contracts/socket-events';

/** Stands in for the browser's Notification API: records what was shown. */
class FakeNotification {
  static permission: NotificationPermission = 'granted';
  static shown: FakeNotification[] = [];
  onclick: (() => void) | null = null;
  closed = false;
  constructor(readonly title: string, readonly options: NotificationOptions) {
    FakeNotification.shown.push(this);
  }
  close(): void {
    this.closed = true;
  }
}

function note(id: string, priority: LiveNotification['priority'], toast = true): LiveNotification {
  return {
    id, userId: 'me', title: `Title ${id}`, message: `Message ${id}`, priority, entityType: 'case', entityId: 'c1',
    linkUrl: '/cases/c1', isRead: false, createdAt: '2025-01-01T00:00:00Z', readAt: null, ruleId: 'r1', ruleName: 'Rule one', toast,
  };
}

describe('DesktopNotifier', () => {
  let notifier: DesktopNotifier;
  let arrivals: Subject<LiveNotification>;
  let desktop: ReturnType<typeof signal<boolean>>;
  let visibility: DocumentVisibilityState;
  let markRead: ReturnType<typeof vi.fn>;
  let navigateByUrl: ReturnType<typeof vi.fn>;
  let focus: ReturnType<typeof vi.spyOn>;

  beforeEach(() => {
    FakeNotification.shown = [];
    FakeNotification.permission = 'granted';
    vi.stubGlobal('Notification', FakeNotification);
    visibility = 'hidden';
    vi.spyOn(document, 'visibilityState', 'get').mockImplementation(() => visibility);
    focus = vi.spyOn(window, 'focus').mockImplementation(() => undefined);
    arrivals = new Subject();
    desktop = signal(true);
    markRead = vi.fn(() => of(undefined));
    navigateByUrl = vi.fn(() => Promise.resolve(true));
    TestBed.configureTestingModule({
      providers: [
        { provide: NotificationStore, useValue: { arrivals$: arrivals, markRead } },
        { provide: NotificationPreferencesStore, useValue: { desktop } },
        { provide: Router, useValue: { navigateByUrl } },
      ],
    });
    notifier = TestBed.inject(DesktopNotifier);
    notifier.start();
  });

  afterEach(() => {
    notifier.stop();
    vi.unstubAllGlobals();
    vi.restoreAllMocks();
  });

  it('shows an URGENT notification that arrives while the tab is hidden; it stays until clicked', () => {
    arrivals.next(note('u1', 'URGENT'));
    expect(FakeNotification.shown).toHaveLength(1);
    const [shown] = FakeNotification.shown;
    expect(shown.title).toBe('Title u1');
    expect(shown.options).toMatchObject({ body: 'Message u1', tag: 'acos-u1', requireInteraction: true });
  });

  it('clicking it focuses the tab, marks it read and opens the case', () => {
    arrivals.next(note('h1', 'HIGH'));
    const [shown] = FakeNotification.shown;
    expect(shown.options.requireInteraction).toBe(false);
    shown.onclick?.();
    expect(focus).toHaveBeenCalled();
    expect(shown.closed).toBe(true);
    expect(markRead).toHaveBeenCalledWith('h1');
    expect(navigateByUrl).toHaveBeenCalledWith('/cases/c1');
  });

  it('shows nothing while the tab is visible, for NORMAL, for what the toaster would not show, without opt-in or permission', () => {
    visibility = 'visible';
    arrivals.next(note('visible', 'URGENT'));
    visibility = 'hidden';
    arrivals.next(note('normal', 'NORMAL'));
    arrivals.next(note('muted', 'URGENT', false));
    desktop.set(false);
    arrivals.next(note('not-opted-in', 'URGENT'));
    desktop.set(true);
    FakeNotification.permission = 'denied';
    arrivals.next(note('denied', 'URGENT'));
    expect(FakeNotification.shown).toEqual([]);
    FakeNotification.permission = 'granted';
    arrivals.next(note('finally', 'URGENT'));
    expect(FakeNotification.shown.map((s) => s.title)).toEqual(['Title finally']);
  });
});
