import type { NotificationPreferences } from '../../../contracts/api';
import type { NotificationPriority } from '../common/enums';

const RANK: Record<NotificationPriority, number> = { LOW: 0, NORMAL: 1, HIGH: 2, URGENT: 3 };

/** The toast part of the preferences (the e-mail part is the e-mail channel's). */
export type Preferences = Omit<NotificationPreferences, 'email'>;

export const DEFAULT_PREFERENCES: Preferences = { minToastPriority: 'LOW', mutedRuleIds: [], quietHours: null, desktop: false };

/** Minutes since midnight at `now` in `timeZone`. */
function minutesIn(timeZone: string, now: Date): number {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(now);
  const hour = Number(parts.find((p) => p.type === 'hour')?.value);
  const minute = Number(parts.find((p) => p.type === 'minute')?.value);
  return hour * 60 + minute;
}

export function isQuietNow(quiet: Preferences['quietHours'], now = new Date()): boolean {
  if (!quiet) return false;
  const toMinutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3));
  const start = toMinutes(quiet.start);
  const end = toMinutes(quiet.end);
  const current = minutesIn(quiet.timeZone, now);
  if (start === end) return false;
  // A window like 22:00–07:00 wraps midnight.
  return start < end ? current >= start && current < end : current >= start || current < end;
}

/** Whether a notification should pop up as a toast (it is stored and counted either way). */
export function shouldToast(prefs: Preferences, priority: NotificationPriority, ruleId: string | null, now = new Date()): boolean {
  if (RANK[priority] < RANK[prefs.minToastPriority]) return false;
  if (ruleId && prefs.mutedRuleIds.includes(ruleId)) return false;
  return !isQuietNow(prefs.quietHours, now);
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}
