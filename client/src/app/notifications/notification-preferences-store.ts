import { Injectable, computed, inject, signal } from '@angular/core';
import { Observable, switchMap, tap } from 'rxjs';
import { NotificationsApi } from './notifications-api';
import type { NotificationPreferences } from '../../../../contracts/api';

/** Adds or removes one rule id, keeping the others in their order. */
export function withRuleMuted(ids: readonly string[], ruleId: string, muted: boolean): string[] {
  const others = ids.filter((id) => id !== ruleId);
  return muted ? [...others, ruleId] : others;
}

/**
 * The signed-in user's notification preferences as the console last saw them: desktop notifications read
 * `desktop` here, the bell shows which rules are muted. Changes are read-modify-write on the server's copy,
 * so muting a rule in one tab does not undo a setting saved in another.
 */
@Injectable({ providedIn: 'root' })
export class NotificationPreferencesStore {
  private readonly api = inject(NotificationsApi);

  readonly preferences = signal<NotificationPreferences | null>(null);
  readonly desktop = computed(() => this.preferences()?.desktop === true);
  readonly mutedRuleIds = computed(() => new Set(this.preferences()?.mutedRuleIds ?? []));

  load(): void {
    this.api.preferences().subscribe({ next: (prefs) => this.preferences.set(prefs), error: () => undefined });
  }

  /** After the settings page saved them. */
  set(preferences: NotificationPreferences): void {
    this.preferences.set(preferences);
  }

  clear(): void {
    this.preferences.set(null);
  }

  isMuted(ruleId: string | null): boolean {
    return !!ruleId && this.mutedRuleIds().has(ruleId);
  }

  /** Mutes (or unmutes) one rule: its notifications are still stored and counted, but no longer pop up. */
  setRuleMuted(ruleId: string, muted: boolean): Observable<NotificationPreferences> {
    return this.api.preferences().pipe(
      switchMap((current) => this.api.savePreferences({ ...current, mutedRuleIds: withRuleMuted(current.mutedRuleIds, ruleId, muted) })),
      tap((saved) => this.preferences.set(saved)),
    );
  }
}
