import { NotificationPriority } from '../core/api-models';

export interface AppNotification {
  id: string;
  userId: string;
  title: string;
  message: string;
  priority: NotificationPriority;
  entityType: string | null;
  entityId: string | null;
  linkUrl: string | null;
  isRead: boolean;
  createdAt: string;
  readAt: string | null;
  /**
   * Set by the server on live `notification` events: false when the user's preferences (priority, muted rule,
   * quiet hours) say this one should not pop up. Absent on notifications read over HTTP.
   */
  toast?: boolean;
  /** The rule that sent it, when the server includes it (muted rules are then honoured here too). */
  ruleId?: string | null;
}

export interface NotificationPage {
  items: AppNotification[];
  nextCursor: string | null;
}

export interface QuietHours {
  start: string;
  end: string;
  timeZone: string;
}

export interface NotificationPreferences {
  minToastPriority: NotificationPriority;
  mutedRuleIds: string[];
  quietHours: QuietHours | null;
}

export const DEFAULT_PREFERENCES: NotificationPreferences = {
  minToastPriority: 'LOW',
  mutedRuleIds: [],
  quietHours: null,
};

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
