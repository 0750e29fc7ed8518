import type { Server } from 'node:http';
import type { Socket } from 'node:net';

/** What the supervisor sends a worker with each connection: the first packet it read to choose the worker. */
export interface HandedConnection {
  type: 'acos:connection';
  id: number;
  head: string;
}

/** The worker's answer once it serves the connection: the supervisor then closes its own copy of the socket. */
export interface TakenConnection {
  type: 'acos:taken';
  id: number;
}

export function isTakenConnection(message: unknown): message is TakenConnection {
  return typeof message === 'object' && message !== null && (message as TakenConnection).type === 'acos:taken';
}

export function isHandedConnection(message: unknown): message is HandedConnection {
  return typeof message === 'object' && message !== null && (message as HandedConnection).type === 'acos:connection';
}

/**
 * In a worker: serve the connections the supervisor hands over as if this process had accepted them itself.
 * Returns a function that stops taking new ones (a stopping worker closes what still arrives).
 */
export function serveHandedConnections(server: Server): () => void {
  let open = true;
  const onMessage = (message: unknown, socket?: Socket) => {
    if (!isHandedConnection(message) || !socket) return;
    process.send?.({ type: 'acos:taken', id: message.id } satisfies TakenConnection);
    if (!open) {
      socket.destroy();
      return;
    }
    server.emit('connection', socket);
    // The supervisor read the first packet to choose this worker: the HTTP parser gets it before anything else.
    socket.emit('data', Buffer.from(message.head, 'latin1'));
    socket.resume();
  };
  process.on('message', onMessage);
  return () => {
    open = false;
    process.off('message', onMessage);
  };
}
