import { Injectable, effect, inject, signal } from '@angular/core';
import { Observable, Subject, filter, map } from 'rxjs';
import { io, Socket } from 'socket.io-client';
import type {
  ServerToClientEvent,
  ServerToClientEvents,
  ServerToClientListeners,
} from '../../../../contracts/socket-events';
import { AuthSession } from '../auth/auth-session';

type SocketMessage = { [E in ServerToClientEvent]: { event: E; payload: ServerToClientEvents[E] } }[ServerToClientEvent];

/**
 * One Socket.IO connection to the server's origin (path /socket.io, auth {token}), typed by the shared
 * contract's server → client events. It follows the session: connects on sign-in, reconnects with a new
 * token, disconnects on sign-out. Subscribers keep their subscriptions across reconnects.
 */
@Injectable({ providedIn: 'root' })
export class LiveSocket {
  private readonly session = inject(AuthSession);
  private readonly messages = new Subject<SocketMessage>();
  private readonly reconnected = new Subject<void>();
  private socket: Socket<ServerToClientListeners> | null = null;

  /** True while the live connection is up. */
  readonly connected = signal(false);
  /** Emits after every (re)connection, so pages can re-fetch what they may have missed. */
  readonly connections$ = this.reconnected.asObservable();

  constructor() {
    effect(() => this.follow(this.session.token()));
  }

  on<E extends ServerToClientEvent>(event: E): Observable<ServerToClientEvents[E]> {
    return this.messages.pipe(
      filter((message) => message.event === event),
      map((message) => message.payload as ServerToClientEvents[E]),
    );
  }

  private follow(token: string | null): void {
    this.socket?.disconnect();
    this.socket = null;
    this.connected.set(false);
    if (!token) return;

    const socket: Socket<ServerToClientListeners> = io({ path: '/socket.io', auth: { token }, transports: ['websocket', 'polling'] });
    socket.on('connect', () => {
      this.connected.set(true);
      this.reconnected.next();
    });
    socket.on('disconnect', () => this.connected.set(false));
    socket.on('connect_error', () => this.connected.set(false));
    socket.onAny((event: ServerToClientEvent, payload: unknown) => this.messages.next({ event, payload } as SocketMessage));
    this.socket = socket;
  }
}
