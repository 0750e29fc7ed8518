import { Logger, OnModuleDestroy } from '@nestjs/common';
import { OnGatewayConnection, OnGatewayDisconnect, OnGatewayInit, WebSocketGateway, WebSocketServer } from '@nestjs/websockets';
import type { Socket } from 'socket.io';
import { TokenService } from '../auth/token.service';
import type { AuthUser } from '../common/auth-user';
import { rooms, roomsOf } from './rooms';
import { SocketOutlet, queuedPackets, type RealtimeServer } from './socket-outlet';

/** Socket buffers beyond this many queued packets belong to a client that stopped reading. */
const MAX_QUEUED_PACKETS = 2000;
const SWEEP_MS = 5000;

/**
 * Admits sockets (JWT in the handshake), puts each in the rooms its user may hear, and ends it with its
 * token. Sends nothing itself: everything goes out through the SocketOutlet.
 */
@WebSocketGateway({ path: '/socket.io', cors: false, serveClient: false, maxHttpBufferSize: 64 * 1024, pingInterval: 20000, pingTimeout: 20000 })
export class RealtimeGateway implements OnGatewayInit, OnGatewayConnection, OnGatewayDisconnect, OnModuleDestroy {
  private readonly logger = new Logger('Sockets');
  private sweeper: NodeJS.Timeout | undefined;
  private readonly expiryTimers = new Map<string, NodeJS.Timeout>();

  @WebSocketServer() server: RealtimeServer;

  constructor(private readonly tokens: TokenService, private readonly outlet: SocketOutlet) {}

  afterInit(server: RealtimeServer): void {
    this.outlet.attach(server);
    // Refuse the connection in the handshake itself: the client sees `connect_error`.
    server.use((socket, next) => {
      const token = (socket.handshake.auth as { token?: unknown })?.token;
      this.tokens.authenticate(typeof token === 'string' ? token : undefined).then(
        (session) => {
          if (!session) return next(new Error('unauthorized'));
          if (session.mustChangePassword) return next(new Error('password change required'));
          socket.data.user = session.user;
          socket.data.expiresAt = session.expiresAt;
          socket.data.tokenId = session.tokenId;
          socket.data.token = token;
          next();
        },
        () => next(new Error('unavailable')),
      );
    });
    this.sweeper = setInterval(() => this.dropStalledSockets(), SWEEP_MS);
    this.sweeper.unref();
  }

  async handleConnection(socket: Socket): Promise<void> {
    const user = socket.data.user as AuthUser | undefined;
    if (!user) return void socket.disconnect(true);
    await this.joinRooms(socket, [...roomsOf(user), rooms.token(socket.data.tokenId as string)]);
    // A deactivation, sign-out or access change that committed between the handshake's check and the join
    // closed the user's sockets before this one was in their rooms: check the token once more now that it is.
    const session = await this.tokens.authenticate(socket.data.token as string).catch(() => null);
    delete socket.data.token;
    if (!session || session.mustChangePassword || session.user.role !== user.role || session.user.scopeCodes.join() !== user.scopeCodes.join()) {
      return void socket.disconnect(true);
    }
    // The socket lives no longer than its token.
    const ttl = Math.max(0, (socket.data.expiresAt as number) - Date.now());
    const timer = setTimeout(() => socket.disconnect(true), Math.min(ttl, 2 ** 31 - 1));
    timer.unref();
    this.expiryTimers.set(socket.id, timer);
  }

  /**
   * The step between the handshake's check and the re-check. Its own method so that a test can make a deactivation
   * or sign-out commit exactly here (realtime/handshake-race.e2e.spec.ts) instead of gambling on timing.
   */
  protected async joinRooms(socket: Socket, names: string[]): Promise<void> {
    await socket.join(names);
  }

  handleDisconnect(socket: Socket): void {
    clearTimeout(this.expiryTimers.get(socket.id));
    this.expiryTimers.delete(socket.id);
  }

  onModuleDestroy(): void {
    clearInterval(this.sweeper);
    for (const timer of this.expiryTimers.values()) clearTimeout(timer);
  }

  /** A client that never reads would make its queue grow without bound: cut it off instead. */
  private dropStalledSockets(): void {
    for (const socket of this.server?.sockets?.sockets?.values() ?? []) {
      const queued = queuedPackets(socket);
      if (queued > MAX_QUEUED_PACKETS) {
        this.logger.warn(`disconnecting socket ${socket.id}: ${queued} packets queued`);
        socket.disconnect(true);
      }
    }
  }
}
