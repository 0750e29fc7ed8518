import { Inject, Injectable } from '@nestjs/common';
import type { Server } from 'socket.io';
import type { CaseView } from '../../../contracts/api';
import type { ServerToClientEvent, ServerToClientEvents, ServerToClientListeners } from '../../../contracts/socket-events';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { caseRooms, rooms } from './rooms';

/**
 * What processes sharing the database tell each other besides room broadcasts: a case changed, and each
 * process writes it to its own sockets (so that each can skip those of its clients that are behind).
 */
interface ProcessToProcessEvents {
  'case:updated': (view: CaseView) => void;
}

/** The Socket.IO server as this application types it: it only ever sends the contract's events. */
export type RealtimeServer = Server<Record<string, never>, ServerToClientListeners, ProcessToProcessEvents>;

const COALESCE_MS = 150;
/**
 * Packets waiting in a socket's buffer beyond which its client is behind: it skips case refreshes until it
 * has caught up, so that its notifications are not queued behind them. A client that keeps up has 0–2.
 */
const BEHIND_AFTER_QUEUED = 16;
/**
 * Sockets written per event-loop turn when a case update goes to everyone. Writing to thousands of
 * sockets in one go held the loop for tens of milliseconds, and every notification committed
 * meanwhile waited behind it; between chunks, pending I/O runs first.
 */
const BROADCAST_CHUNK = 50;

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

/**
 * The one place that writes to sockets, typed by the contract's ServerToClientEvents. Callers hand it
 * what has committed (after-commit callbacks, the in-process bus); it never sees a transaction.
 * With the PostgreSQL adapter, a room emit reaches sockets on every process sharing the database.
 */
@Injectable()
export class SocketOutlet {
  private server: RealtimeServer | undefined;
  private readonly pendingCases = new Map<string, CaseView>();
  private flushTimer: NodeJS.Timeout | undefined;
  private flushing = false;
  /** Socket events this process has sent (room broadcasts count once). */
  readonly stats = { emitted: 0 };

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  attach(server: RealtimeServer): void {
    this.server = server;
    if (this.config.socketAdapter === 'postgres') server.on('case:updated', (view) => void this.writeCaseUpdateLocally(view));
  }

  /** Sends `event` to every socket in any of `to` (reliable, in order per socket). */
  emit<E extends ServerToClientEvent>(to: string[], event: E, payload: ServerToClientEvents[E]): void {
    if (!this.server) return;
    // Nobody in those rooms, nothing to serialise (the engine reports every run to the admins' room,
    // usually empty).
    const socketRooms = this.allRoomsIfLocal();
    if (socketRooms && !to.some((room) => socketRooms.get(room)?.size)) return;
    this.stats.emitted++;
    this.send(to, event, payload);
  }

  /**
   * `case:updated` to everyone who may see the case's scope, coalesced: a case changed several times
   * within COALESCE_MS goes out once, as it was last. A client that is behind (BEHIND_AFTER_QUEUED) loses a
   * list refresh rather than have its notifications queued behind them; every other one gets each refresh,
   * also when a notification is being written to it at the same moment.
   */
  caseUpdated(view: CaseView): void {
    this.pendingCases.set(view.id, view);
    this.scheduleFlush();
  }

  /** Closes the user's sockets on every process (but those of `keptTokenId`): their access changed or ended. */
  disconnectUser(userId: string, keptTokenId?: string | null): void {
    const target = this.server?.in(rooms.user(userId));
    (keptTokenId ? target?.except(rooms.token(keptTokenId)) : target)?.disconnectSockets(true);
  }

  /** Closes, on every process, the sockets opened with one token (signed out). */
  disconnectToken(tokenId: string): void {
    this.server?.in(rooms.token(tokenId)).disconnectSockets(true);
  }

  /**
   * Whether the user has a socket connected to any process right now. With the PostgreSQL adapter this asks every
   * process sharing the database (the adapter's fetchSockets, answered within its request timeout); a question that
   * gets no answer counts as "not connected", so a mail is sent rather than lost.
   */
  async isUserConnected(userId: string): Promise<boolean> {
    if (!this.server) return false;
    try {
      return (await this.server.in(rooms.user(userId)).fetchSockets()).length > 0;
    } catch {
      return false;
    }
  }

  /** Sockets connected to this process. */
  connectedCount(): number {
    return this.server?.sockets?.sockets?.size ?? 0;
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
      for (const [i, view] of pending.entries()) {
        // A turn between cases, so that notifications committed meanwhile slip in.
        if (i > 0) await nextTurn();
        if (!this.server) return;
        this.stats.emitted++;
        if (this.config.socketAdapter === 'postgres') this.server.serverSideEmit('case:updated', view);
        await this.writeCaseUpdateLocally(view);
      }
    } finally {
      this.flushing = false;
      this.scheduleFlush();
    }
  }

  /**
   * To this process's sockets that may see the case, in chunks with a turn of the event loop between them:
   * writing to thousands of sockets in one go held the loop for tens of milliseconds.
   */
  private async writeCaseUpdateLocally(view: CaseView): Promise<void> {
    const namespace = this.server?.of('/');
    if (!namespace) return;
    const to = caseRooms(view.scopeCode);
    const socketRooms = namespace.adapter.rooms;
    const ids = [...new Set(to.flatMap((room) => [...(socketRooms.get(room) ?? [])]))];
    // Membership is checked again at sending time: a user whose access was revoked meanwhile gets nothing.
    const wanted = (id: string) => to.some((room) => socketRooms.get(room)?.has(id)) && !isBehind(namespace.sockets.get(id));
    for (let i = 0; i < ids.length; i += BROADCAST_CHUNK) {
      if (i > 0) await nextTurn();
      const chunk = ids.slice(i, i + BROADCAST_CHUNK).filter(wanted);
      if (chunk.length) this.send(chunk, 'case:updated', view, true);
    }
  }

  /** The only Socket.IO emit call of the application. */
  private send<E extends ServerToClientEvent>(to: string[], event: E, payload: ServerToClientEvents[E], localOnly = false): void {
    const server = this.server;
    if (!server) return;
    const target = localOnly ? server.local.to(to) : server.to(to);
    // Socket.IO's emit() cannot relate a generic event name to its parameter list; the signature above does.
    (target.emit as (event: E, payload: ServerToClientEvents[E]) => boolean).call(target, event, payload);
  }

  /**
   * Room → socket ids, when this process holds every socket there is (in-memory adapter); undefined
   * with the PostgreSQL adapter, where other processes have sockets this one cannot see.
   */
  private allRoomsIfLocal(): Map<string, Set<string>> | undefined {
    return this.config.socketAdapter === 'postgres' ? undefined : this.server?.of('/').adapter.rooms;
  }
}

/** Packets written to a socket that its transport has not yet sent (engine.io keeps them in `writeBuffer`). */
export function queuedPackets(socket: { conn: unknown } | undefined): number {
  return (socket?.conn as { writeBuffer?: unknown[] } | undefined)?.writeBuffer?.length ?? 0;
}

function isBehind(socket: { conn: unknown } | undefined): boolean {
  return queuedPackets(socket) > BEHIND_AFTER_QUEUED;
}
