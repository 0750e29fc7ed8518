import { Injectable } from '@nestjs/common';
import type { Server } from 'socket.io';

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

  caseUpdated(scopeCode: string, payload: object): void {
    this.emit([rooms.allScopes, rooms.scope(scopeCode)], 'case:updated', payload);
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
