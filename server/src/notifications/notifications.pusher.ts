import { Inject, Injectable } from '@nestjs/common';
import type { Server } from 'socket.io';
import { APP_CONFIG, type AppConfig } from '../config/app-config';

const COALESCE_MS = 150;
/**
 * Sockets written per event-loop turn when a case update goes to everyone. Writing to thousands of
 * sockets in one go held the loop for tens of milliseconds, and every notification committed
 * meanwhile waited behind it (bench scenario 7); between chunks, pending I/O runs first.
 */
const BROADCAST_CHUNK = 50;

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
  private flushing = false;
  /** Counters for /metrics. */
  readonly stats = { emitted: 0 };

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

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
    this.scheduleFlush();
  }

  private scheduleFlush(): void {
    // One flush at a time: a later version of a case never overtakes an earlier one still being sent.
    if (this.flushTimer || this.flushing || !this.pendingCases.size) return;
    this.flushTimer = setTimeout(() => void this.flushCaseUpdates(), COALESCE_MS);
    this.flushTimer.unref();
  }

  private async flushCaseUpdates(): Promise<void> {
    this.flushTimer = undefined;
    this.flushing = true;
    try {
      const pending = [...this.pendingCases.values()];
      this.pendingCases.clear();
      for (const [i, { scopeCode, payload }] of pending.entries()) {
        // A turn between cases: a socket still writing the previous case would drop this one (volatile).
        if (i > 0) await new Promise((resolve) => setImmediate(resolve));
        if (!this.server) return;
        this.stats.emitted++;
        await this.broadcastVolatile([rooms.allScopes, rooms.scope(scopeCode)], 'case:updated', payload);
      }
    } finally {
      this.flushing = false;
      this.scheduleFlush();
    }
  }

  /**
   * To everyone in `to`, in chunks of sockets with a turn of the event loop between them. Only with the
   * in-memory adapter: with the PostgreSQL adapter the emit must also reach the other processes, which
   * only a room broadcast does.
   */
  private async broadcastVolatile(to: string[], event: string, payload: object): Promise<void> {
    const server = this.server!;
    const socketRooms = this.allRoomsIfLocal();
    if (!socketRooms) {
      server.to(to).volatile.emit(event, payload);
      return;
    }
    const ids = [...new Set(to.flatMap((room) => [...(socketRooms.get(room) ?? [])]))];
    const stillIn = (id: string) => to.some((room) => socketRooms.get(room)?.has(id));
    for (let i = 0; i < ids.length; i += BROADCAST_CHUNK) {
      if (i > 0) await new Promise((resolve) => setImmediate(resolve));
      // Membership is checked again at sending time: a user whose access was revoked meanwhile gets nothing.
      const chunk = ids.slice(i, i + BROADCAST_CHUNK).filter(stillIn);
      if (chunk.length) server.local.to(chunk).volatile.emit(event, payload);
    }
  }

  disconnectUser(userId: string): void {
    this.server?.in(rooms.user(userId)).disconnectSockets(true);
  }

  private emit(to: string[], event: string, payload: object): void {
    if (!this.server) return;
    // Nobody in those rooms, nothing to serialise (the engine reports every run to the admins' room,
    // usually empty).
    const socketRooms = this.allRoomsIfLocal();
    if (socketRooms && !to.some((room) => socketRooms.get(room)?.size)) return;
    this.stats.emitted++;
    this.server.to(to).emit(event, payload);
  }

  /**
   * Room → socket ids, when this process holds every socket there is (in-memory adapter); undefined
   * with the PostgreSQL adapter, where other processes have sockets this one cannot see.
   */
  private allRoomsIfLocal(): Map<string, Set<string>> | undefined {
    return this.config.socketAdapter === 'postgres' ? undefined : this.server?.of('/').adapter.rooms;
  }
}
