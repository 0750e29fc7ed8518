import type { NotificationPriority } from '../../../../contracts/enums';
import type { LiveNotification } from '../../../../contracts/socket-events';

const PRIORITY_RANK: Record<NotificationPriority, number> = { LOW: 0, NORMAL: 1, HIGH: 2, URGENT: 3 };

export function priorityRank(priority: NotificationPriority | string): number {
  return PRIORITY_RANK[priority as NotificationPriority] ?? 1;
}

/** HIGH and URGENT notifications are made to stand out. */
export function isStandoutPriority(priority: NotificationPriority | string): boolean {
  return priorityRank(priority) >= PRIORITY_RANK.HIGH;
}

/** How a priority looks in the bell's list and in a toast: an icon, a class (styled with theme tokens) and words. */
export interface PriorityLook {
  icon: string;
  /** `priority-urgent` | `priority-high` | `priority-normal` | `priority-low`. */
  cssClass: string;
  label: string;
}

const LOOKS: Record<NotificationPriority, PriorityLook> = {
  URGENT: { icon: 'error', cssClass: 'priority-urgent', label: 'Urgent' },
  HIGH: { icon: 'warning', cssClass: 'priority-high', label: 'High' },
  NORMAL: { icon: 'notifications', cssClass: 'priority-normal', label: 'Normal' },
  LOW: { icon: 'notifications_none', cssClass: 'priority-low', label: 'Low' },
};

export function priorityLook(priority: NotificationPriority | string): PriorityLook {
  return LOOKS[priority as NotificationPriority] ?? LOOKS.NORMAL;
}

const NORMAL_TOAST_MS = 6000;
const HIGH_TOAST_MS = 10000;

/** How long a toast stays: URGENT ones until the user dismisses or opens them (undefined), the others a while. */
export function toastDurationMs(priority: NotificationPriority | string): number | undefined {
  if (priority === 'URGENT') return undefined;
  return isStandoutPriority(priority) ? HIGH_TOAST_MS : NORMAL_TOAST_MS;
}

/** The snackbar's panel classes: one per look, so HIGH and URGENT differ from each other and from the rest. */
export function toastPanelClasses(priority: NotificationPriority | string): string[] {
  if (priority === 'URGENT') return ['toast-standout', 'toast-urgent'];
  if (priority === 'HIGH') return ['toast-standout', 'toast-high'];
  return ['toast-normal'];
}

/**
 * Whether a live notification pops up at all. The server decides (`toast`, from the user's minimum priority,
 * muted rules and quiet hours); the toaster and desktop notifications both ask here, so they never disagree.
 */
export function wantsAttention(notification: Pick<LiveNotification, 'toast'>): boolean {
  return notification.toast === true;
}

/** "Sent by rule …" for a notification a rule made; null for the others. */
export function ruleLabel(notification: { ruleId: string | null; ruleName: string | null }): string | null {
  if (!notification.ruleId) return null;
  return notification.ruleName ? `Rule: ${notification.ruleName}` : 'Rule: (name not recorded)';
}

/** The bell badge's text: the unread count, capped at "99+" so it stays a small round badge; empty at zero. */
export function unreadBadgeText(count: number): string {
  if (!Number.isFinite(count) || count <= 0) return '';
  return count > 99 ? '99+' : String(Math.trunc(count));
}
