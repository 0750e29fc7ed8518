import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { createAdapter } from '@socket.io/postgres-adapter';
import type { Pool } from 'pg';
import type { Server, ServerOptions } from 'socket.io';

/**
 * Socket.IO over PostgreSQL LISTEN/NOTIFY: an emit to a room in one server
 * process reaches the sockets of that room on every process sharing the database.
 */
export class PostgresIoAdapter extends IoAdapter {
  constructor(app: INestApplicationContext, private readonly pool: Pool) {
    super(app);
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    const server: Server = super.createIOServer(port, options);
    server.adapter(createAdapter(this.pool, { tableName: 'socket_io_attachments', heartbeatInterval: 5000, heartbeatTimeout: 10000 }));
    return server;
  }
}
