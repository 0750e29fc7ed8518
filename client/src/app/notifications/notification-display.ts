import type { NotificationPriority } from '../../../../contracts/enums';

const PRIORITY_RANK: Record<NotificationPriority, number> = { LOW: 0, NORMAL: 1, HIGH: 2, URGENT: 3 };

export function priorityRank(priority: NotificationPriority | string): number {
  return PRIORITY_RANK[priority as NotificationPriority] ?? 1;
}

/** HIGH and URGENT notifications are made to stand out. */
export function isStandoutPriority(priority: NotificationPriority | string): boolean {
  return priorityRank(priority) >= PRIORITY_RANK.HIGH;
}

/** The bell badge's text: the unread count, capped at "99+" so it stays a small round badge; empty at zero. */
export function unreadBadgeText(count: number): string {
  if (!Number.isFinite(count) || count <= 0) return '';
  return count > 99 ? '99+' : String(Math.trunc(count));
}
