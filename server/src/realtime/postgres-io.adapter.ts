import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { createAdapter } from '@socket.io/postgres-adapter';
import type { Pool } from 'pg';
import type { Server, ServerOptions } from 'socket.io';
import { sessionIdFor } from '../cluster/session-routing';

/**
 * Socket.IO over PostgreSQL LISTEN/NOTIFY: an emit to a room in one server
 * process reaches the sockets of that room on every process sharing the database.
 */
export class PostgresIoAdapter extends IoAdapter {
  /** `clusterWorker`: this process's index under a WEB_CONCURRENCY supervisor, written into its session ids. */
  constructor(app: INestApplicationContext, private readonly pool: Pool, private readonly clusterWorker?: number) {
    super(app);
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    const server: Server = super.createIOServer(port, options);
    const worker = this.clusterWorker;
    if (worker !== undefined) server.engine.generateId = () => sessionIdFor(worker);
    server.adapter(createAdapter(this.pool, { tableName: 'socket_io_attachments', heartbeatInterval: 5000, heartbeatTimeout: 10000 }));
    return server;
  }
}
