import { DEFAULT_EMAIL_PREFERENCES, type EmailPreferences } from '../../../contracts/email';
import { NOTIFICATION_PRIORITIES, type NotificationPriority } from '../common/enums';

/** What happens to one notification on the e-mail channel. */
export type EmailRoute =
  | { kind: 'MAIL'; onlyWhenOffline: boolean }
  | { kind: 'DIGEST'; digest: 'HOURLY' | 'DAILY' }
  | { kind: 'NONE' };

const rank = (p: NotificationPriority) => NOTIFICATION_PRIORITIES.indexOf(p);

/**
 * The user's choice applied to one notification: at or above `minPriority` it is mailed on its own (whether the user
 * is online is decided when it is sent); below, it waits for the user's digest, if they chose one; nothing when
 * e-mail is off for them.
 */
export function routeEmail(prefs: EmailPreferences | undefined, priority: NotificationPriority): EmailRoute {
  const p = prefs ?? DEFAULT_EMAIL_PREFERENCES;
  if (!p.enabled) return { kind: 'NONE' };
  if (rank(priority) >= rank(p.minPriority)) return { kind: 'MAIL', onlyWhenOffline: p.onlyWhenOffline };
  return p.digest === 'OFF' ? { kind: 'NONE' } : { kind: 'DIGEST', digest: p.digest };
}

/** Saved preferences as stored (a JSON column that may predate a field) completed with the defaults. */
export function completeEmailPreferences(saved: Partial<EmailPreferences> | null | undefined): EmailPreferences {
  return { ...DEFAULT_EMAIL_PREFERENCES, ...(saved ?? {}) };
}
