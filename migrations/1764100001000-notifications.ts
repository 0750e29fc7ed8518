import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Notifications, per-user unread counters and preferences; the Socket.IO adapter's table. */
export class Notifications1764100001000 implements MigrationInterface {
  name = 'Notifications1764100001000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TYPE notification_priority AS ENUM ('LOW', 'NORMAL', 'HIGH', 'URGENT')`);
    await q.query(`
      CREATE TABLE notifications (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        title text NOT NULL,
        message text NOT NULL,
        priority notification_priority NOT NULL DEFAULT 'NORMAL',
        entity_type text,
        entity_id uuid,
        link_url text,
        rule_id uuid,
        is_read boolean NOT NULL DEFAULT false,
        -- millisecond precision: the list cursor carries the timestamp as ISO text
        created_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', clock_timestamp()),
        read_at timestamptz
      )`);
    // "My newest" (cursor pages) and "my newest unread".
    await q.query(`CREATE INDEX notifications_user_newest_idx ON notifications (user_id, created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX notifications_user_unread_idx ON notifications (user_id, created_at DESC, id DESC) WHERE NOT is_read`);

    // Unread counts kept in the same transaction as every change, so reading one is a sum of a few
    // rows at any volume. Sharded by the writer's backend: concurrent writers (engine workers,
    // several processes) notifying the same user — ADMINS, say — do not queue on one row. A shard
    // may go below zero (a read decremented where another shard counted); the sum is what counts.
    await q.query(`
      CREATE TABLE notification_counters (
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        shard smallint NOT NULL,
        unread_count int NOT NULL DEFAULT 0,
        PRIMARY KEY (user_id, shard)
      )`);

    await q.query(`
      CREATE TABLE notification_preferences (
        user_id uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
        min_toast_priority notification_priority NOT NULL DEFAULT 'LOW',
        muted_rule_ids uuid[] NOT NULL DEFAULT '{}',
        quiet_hours jsonb,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);

    // @socket.io/postgres-adapter stores payloads too large for NOTIFY here.
    await q.query(`
      CREATE TABLE IF NOT EXISTS socket_io_attachments (
        id bigserial UNIQUE,
        created_at timestamptz DEFAULT now(),
        payload bytea
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE socket_io_attachments, notification_preferences, notification_counters, notifications`);
    await q.query(`DROP TYPE notification_priority`);
  }
}
