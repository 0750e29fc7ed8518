import { Injectable } from '@nestjs/common';
import type { Server } from 'socket.io';

const COALESCE_MS = 150;

/** Socket rooms: one per user, one for admins, one per case scope (and one for users who see every scope). */
export const rooms = {
  user: (id: string) => `user:${id}`,
  admins: 'role:ADMIN',
  scope: (code: string) => `scope:${code}`,
  allScopes: 'scope:*',
};

/**
 * Sends server → client events. Holds the Socket.IO server once the gateway
 * is up; with the PostgreSQL adapter, a room emit reaches sockets on every
 * process sharing the database.
 */
@Injectable()
export class NotificationsPusher {
  private server: Server | undefined;
  private readonly pendingCases = new Map<string, { scopeCode: string; payload: object }>();
  private flushTimer: NodeJS.Timeout | undefined;
  /** Counters for /metrics. */
  readonly stats = { emitted: 0 };

  attach(server: Server): void {
    this.server = server;
  }

  notification(userId: string, payload: object): void {
    this.emit([rooms.user(userId)], 'notification', payload);
  }

  unreadCount(userId: string, count: number): void {
    this.emit([rooms.user(userId)], 'notifications:unread-count', { count });
  }

  workflowHistory(row: object): void {
    this.emit([rooms.admins], 'workflow:history', row);
  }

  /**
   * Live list refreshes, coalesced: a case changed several times within COALESCE_MS goes out once,
   * as it was last, and as a volatile message — a client that cannot keep up loses a list refresh,
   * never has its notifications queued behind them.
   */
  caseUpdated(scopeCode: string, payload: { id: string }): void {
    this.pendingCases.set(payload.id, { scopeCode, payload });
    if (!this.flushTimer) {
      this.flushTimer = setTimeout(() => this.flushCaseUpdates(), COALESCE_MS);
      this.flushTimer.unref();
    }
  }

  private flushCaseUpdates(): void {
    this.flushTimer = undefined;
    const pending = [...this.pendingCases.values()];
    this.pendingCases.clear();
    if (!this.server) return;
    for (const { scopeCode, payload } of pending) {
      this.stats.emitted++;
      this.server.to([rooms.allScopes, rooms.scope(scopeCode)]).volatile.emit('case:updated', payload);
    }
  }

  disconnectUser(userId: string): void {
    this.server?.in(rooms.user(userId)).disconnectSockets(true);
  }

  private emit(to: string[], event: string, payload: object): void {
    if (!this.server) return;
    this.stats.emitted++;
    this.server.to(to).emit(event, payload);
  }
}
