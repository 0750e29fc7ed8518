/**
 * Server → client Socket.IO events (CONTRACT §8): event name → payload. The server's SocketOutlet
 * emits nothing else, and the console's LiveSocket listens through the same map.
 */
import type { CaseView, NotificationView, UnreadCount } from './api';
import type { ActionType } from './enums';

/** The `notification` event: the notification plus the server's decision whether it pops up as a toast. */
export interface LiveNotification extends NotificationView {
  /** False when the user's preferences (minimum priority, muted rule, quiet hours) say not to pop it up. */
  toast: boolean;
}

/**
 * Placeholder for the `history` row of CONTRACT §6 until the workflows contract provides it; it depends
 * on nothing but the enums so that it can be replaced by that type without touching anything else here.
 */
export interface WorkflowHistoryEventPayload {
  id: string;
  ruleId: string;
  ruleName: string;
  caseId: string;
  caseNumber: string;
  eventId: string;
  eventName: string;
  triggerData: Record<string, unknown>;
  actionsExecuted: Array<{ actionType: ActionType; success: boolean; detail: string; durationMs?: number }>;
  success: boolean;
  errorMessage: string | null;
  skippedReason: 'COOLDOWN' | 'MAX_DEPTH' | null;
  depth: number;
  durationMs: number;
  retryOf: string | null;
  createdAt: string;
}

export interface ServerToClientEvents {
  /** To its user only. */
  notification: LiveNotification;
  /** To its user, after every change of the count. */
  'notifications:unread-count': UnreadCount;
  /** To ADMINs only (live history table). */
  'workflow:history': WorkflowHistoryEventPayload;
  /** To every signed-in user who may see the case's scope (live lists); best effort, coalesced per case. */
  'case:updated': CaseView;
}

export type ServerToClientEvent = keyof ServerToClientEvents;

/** The same map as Socket.IO's typed listeners (`Server<…, ServerToClientListeners>`, `Socket<ServerToClientListeners>`). */
export type ServerToClientListeners = {
  [E in ServerToClientEvent]: (payload: ServerToClientEvents[E]) => void;
};
