import { io, type Socket } from 'socket.io-client';

export interface CollectingSocket {
  socket: Socket;
  received: Array<{ event: string; payload: any }>;
  /** Resolves with the first event of that name (already received or arriving) that satisfies `match`. */
  next(event: string, match?: (payload: any) => boolean, timeoutMs?: number): Promise<any>;
  of(event: string): any[];
  close(): void;
}

/** A real socket.io-client connection, recording everything it receives. */
export async function connectSocket(
  baseUrl: string, token: string | undefined, transports: Array<'websocket' | 'polling'> = ['websocket'],
): Promise<CollectingSocket> {
  const socket = io(baseUrl, { path: '/socket.io', auth: token === undefined ? {} : { token }, transports, reconnection: false, forceNew: true });
  const received: CollectingSocket['received'] = [];
  const waiters: Array<() => void> = [];
  socket.onAny((event, payload) => {
    received.push({ event, payload });
    for (const w of waiters.splice(0)) w();
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => { socket.close(); reject(new Error(`no connection to ${baseUrl} (${transports.join(', ')}) within 15 s`)); }, 15_000);
    socket.once('connect', () => { clearTimeout(timer); resolve(); });
    socket.once('connect_error', (e) => { clearTimeout(timer); reject(e); });
  });
  const of = (event: string) => received.filter((r) => r.event === event).map((r) => r.payload);
  return {
    socket, received, of,
    next(event, match = () => true, timeoutMs = 5000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no ${event} within ${timeoutMs} ms`)), timeoutMs);
        const check = () => {
          const hit = of(event).find(match);
          if (hit !== undefined) { clearTimeout(timer); resolve(hit); } else waiters.push(check);
        };
        check();
      });
    },
    close: () => socket.close(),
  };
}

export function connectError(baseUrl: string, auth: Record<string, unknown>): Promise<Error | null> {
  const socket = io(baseUrl, { path: '/socket.io', auth, transports: ['websocket'], reconnection: false, forceNew: true });
  return new Promise((resolve) => {
    socket.once('connect', () => { socket.close(); resolve(null); });
    socket.once('connect_error', (e) => { socket.close(); resolve(e); });
  });
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
