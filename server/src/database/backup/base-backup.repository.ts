import { Client } from 'pg';

export interface BackupStop {
  /** Where the backup ends: WAL up to here must be replayed before the copy is consistent. */
  stopLsn: string;
  labelFile: string;
  tablespaceMap: string;
}

/**
 * PostgreSQL's low-level base backup API, on the one connection it requires:
 * pg_backup_start and pg_backup_stop must run in the same session, and the
 * backup is aborted if that session ends in between.
 */
export class BaseBackupSession {
  private constructor(private readonly client: Client) {}

  static async open(url: string): Promise<BaseBackupSession> {
    const client = new Client({ connectionString: url, application_name: 'auditcaseos-backup', connectionTimeoutMillis: 5000 });
    client.on('error', () => undefined);
    await client.connect();
    return new BaseBackupSession(client);
  }

  /**
   * No WAL archive is configured, so nothing else keeps the WAL written during
   * the copy: a temporary physical slot (gone when this session ends) stops
   * checkpoints from recycling it before it is copied.
   */
  async reserveWal(): Promise<void> {
    await this.client.query(`SELECT pg_create_physical_replication_slot($1, true, true)`, [`auditcaseos_backup_${process.pid}`]);
  }

  /** Starts the backup with an immediate checkpoint; returns the start LSN. */
  async start(label: string): Promise<string> {
    const { rows } = await this.client.query<{ lsn: string }>(`SELECT pg_backup_start($1, true)::text AS lsn`, [label]);
    return rows[0].lsn;
  }

  /** Ends the backup. WAL archiving is off, so there is nothing to wait for: the caller copies the WAL itself. */
  async stop(): Promise<BackupStop> {
    const { rows } = await this.client.query<{ lsn: string; labelfile: string; spcmapfile: string | null }>(
      `SELECT lsn::text AS lsn, labelfile, spcmapfile FROM pg_backup_stop(false)`,
    );
    return { stopLsn: rows[0].lsn, labelFile: rows[0].labelfile, tablespaceMap: rows[0].spcmapfile ?? '' };
  }

  /** The WAL segment size in bytes and the server's version. */
  async walLayout(): Promise<{ segmentBytes: number; version: string }> {
    const { rows } = await this.client.query<{ seg: string; version: string }>(
      `SELECT setting AS seg, current_setting('server_version') AS version FROM pg_settings WHERE name = 'wal_segment_size'`,
    );
    return { segmentBytes: Number(rows[0].seg), version: rows[0].version };
  }

  async close(): Promise<void> {
    await this.client.end().catch(() => undefined);
  }
}
