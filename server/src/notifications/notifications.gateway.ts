import { Logger, OnModuleDestroy } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { OnGatewayConnection, OnGatewayDisconnect, OnGatewayInit, WebSocketGateway, WebSocketServer } from '@nestjs/websockets';
import type { Server, Socket } from 'socket.io';
import { TokenService } from '../auth/token.service';
import { toCaseView } from '../cases/case-view';
import type { AuthUser } from '../common/auth-user';
import type { DomainEvent } from '../events/event-map';
import { OnDomainEvent } from '../events/on-domain-event.decorator';
import { USER_ACCESS_CHANGED } from '../users/users.service';
import { NotificationsPusher, rooms } from './notifications.pusher';

/** Socket buffers beyond this many queued packets belong to a client that stopped reading. */
const MAX_QUEUED_PACKETS = 2000;
const SWEEP_MS = 5000;

@WebSocketGateway({ path: '/socket.io', cors: false, serveClient: false, maxHttpBufferSize: 64 * 1024, pingInterval: 20000, pingTimeout: 20000 })
export class NotificationsGateway implements OnGatewayInit, OnGatewayConnection, OnGatewayDisconnect, OnModuleDestroy {
  private readonly logger = new Logger('Sockets');
  private sweeper: NodeJS.Timeout | undefined;
  private readonly expiryTimers = new Map<string, NodeJS.Timeout>();

  @WebSocketServer() server: Server;

  constructor(private readonly tokens: TokenService, private readonly pusher: NotificationsPusher) {}

  afterInit(server: Server): void {
    this.pusher.attach(server);
    // Refuse the connection in the handshake itself: the client sees `connect_error`.
    server.use((socket, next) => {
      const token = (socket.handshake.auth as { token?: unknown })?.token;
      this.tokens.authenticate(typeof token === 'string' ? token : undefined).then(
        (session) => {
          if (!session) return next(new Error('unauthorized'));
          socket.data.user = session.user;
          socket.data.expiresAt = session.expiresAt;
          next();
        },
        () => next(new Error('unavailable')),
      );
    });
    this.sweeper = setInterval(() => this.dropStalledSockets(), SWEEP_MS);
    this.sweeper.unref();
  }

  handleConnection(socket: Socket): void {
    const user = socket.data.user as AuthUser | undefined;
    if (!user) return void socket.disconnect(true);
    const joined = [rooms.user(user.id)];
    if (user.role === 'ADMIN') joined.push(rooms.admins);
    if (user.role === 'ADMIN' || user.scopeCodes.length === 0) joined.push(rooms.allScopes);
    else joined.push(...user.scopeCodes.map(rooms.scope));
    void socket.join(joined);
    // The socket lives no longer than its token.
    const ttl = Math.max(0, (socket.data.expiresAt as number) - Date.now());
    const timer = setTimeout(() => socket.disconnect(true), Math.min(ttl, 2 ** 31 - 1));
    timer.unref();
    this.expiryTimers.set(socket.id, timer);
  }

  handleDisconnect(socket: Socket): void {
    clearTimeout(this.expiryTimers.get(socket.id));
    this.expiryTimers.delete(socket.id);
  }

  onModuleDestroy(): void {
    clearInterval(this.sweeper);
    for (const timer of this.expiryTimers.values()) clearTimeout(timer);
  }

  connectedCount(): number {
    return this.server?.sockets?.sockets?.size ?? 0;
  }

  @OnEvent(USER_ACCESS_CHANGED, { suppressErrors: true })
  onAccessChanged({ userId }: { userId: string }): void {
    // Deactivated, or role/scopes changed: its sockets go now; a still-active user reconnects with fresh rooms.
    this.pusher.disconnectUser(userId);
  }

  @OnDomainEvent('case.created', 'case.updated', 'evidence.uploaded')
  onCaseChanged(event: DomainEvent): void {
    const snapshot = (event.payload as { case: Parameters<typeof toCaseView>[0] & { scopeCode: string } }).case;
    this.pusher.caseUpdated(snapshot.scopeCode, toCaseView(snapshot));
  }

  /** A client that never reads would make its queue grow without bound: cut it off instead. */
  private dropStalledSockets(): void {
    for (const socket of this.server?.sockets?.sockets?.values() ?? []) {
      const queued = (socket.conn as unknown as { writeBuffer?: unknown[] }).writeBuffer?.length ?? 0;
      if (queued > MAX_QUEUED_PACKETS) {
        this.logger.warn(`disconnecting socket ${socket.id}: ${queued} packets queued`);
        socket.disconnect(true);
      }
    }
  }
}
