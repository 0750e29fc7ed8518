/**
 * Server → client Socket.IO events (CONTRACT §8): event name → payload. The server's SocketOutlet
 * emits nothing else, and the console's LiveSocket listens through the same map.
 */
import type { CaseView, NotificationView, UnreadCount } from './api';
import type { BacktestProgress, HistoryView } from './workflows';

/**
 * The `notification` event: the notification (with `ruleId`/`ruleName` of the rule that sent it, null for
 * none) plus the server's decision whether it pops up as a toast.
 */
export interface LiveNotification extends NotificationView {
  /** False when the user's preferences (minimum priority, muted rule, quiet hours) say not to pop it up. */
  toast: boolean;
}


export interface ServerToClientEvents {
  /** To its user only. */
  notification: LiveNotification;
  /** To its user, after every change of the count. */
  'notifications:unread-count': UnreadCount;
  /** To ADMINs only (live history table). */
  'workflow:history': HistoryView;
  /** To every signed-in user who may see the case's scope (live lists); best effort, coalesced per case. */
  'case:updated': CaseView;
  /** To the ADMIN who started a backtest with a `progressId` only: how far the replay is. */
  'workflow:backtest-progress': BacktestProgress;
}

export type ServerToClientEvent = keyof ServerToClientEvents;

/** The same map as Socket.IO's typed listeners (`Server<…, ServerToClientListeners>`, `Socket<ServerToClientListeners>`). */
export type ServerToClientListeners = {
  [E in ServerToClientEvent]: (payload: ServerToClientEvents[E]) => void;
};
