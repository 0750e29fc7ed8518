import { AppNotification, NotificationPreferences, QuietHours, priorityRank } from './notification.models';

/**
 * Whether a live notification should pop up as a toast. The notification is stored and counted
 * either way; this only decides about interrupting the user.
 */
export function shouldToast(
  notification: AppNotification,
  preferences: NotificationPreferences,
  now: Date = new Date(),
): boolean {
  if (notification.isRead) return false;
  if (notification.toast === false) return false;
  if (priorityRank(notification.priority) < priorityRank(preferences.minToastPriority)) return false;
  if (notification.ruleId && preferences.mutedRuleIds.includes(notification.ruleId)) return false;
  if (preferences.quietHours && isWithinQuietHours(preferences.quietHours, now)) return false;
  return true;
}

/** True when `now`, read on the wall clock of the quiet hours' time zone, falls in [start, end). Handles overnight spans. */
export function isWithinQuietHours(quietHours: QuietHours, now: Date): boolean {
  const start = minutesOfDay(quietHours.start);
  const end = minutesOfDay(quietHours.end);
  if (start === null || end === null || start === end) return false;
  const current = wallClockMinutes(now, quietHours.timeZone);
  return start < end ? current >= start && current < end : current >= start || current < end;
}

function minutesOfDay(hhmm: string): number | null {
  const match = /^(\d{1,2}):(\d{2})$/.exec(hhmm ?? '');
  if (!match) return null;
  const hours = Number(match[1]);
  const minutes = Number(match[2]);
  return hours < 24 && minutes < 60 ? hours * 60 + minutes : null;
}

function wallClockMinutes(now: Date, timeZone: string): number {
  try {
    const parts = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    }).formatToParts(now);
    const hour = Number(parts.find((p) => p.type === 'hour')?.value ?? 0);
    const minute = Number(parts.find((p) => p.type === 'minute')?.value ?? 0);
    return (hour % 24) * 60 + minute;
  } catch {
    return now.getHours() * 60 + now.getMinutes();
  }
}
