import type { MigrationInterface, QueryRunner } from 'typeorm';

/** E-mail notifications: the users' e-mail preferences, the durable mail queue and the digests' pending items. */
export class Email1765100000000 implements MigrationInterface {
  name = 'Email1765100000000';

  async up(q: QueryRunner): Promise<void> {
    // A column of its own (null: the defaults), next to the toast preferences.
    await q.query(`ALTER TABLE notification_preferences ADD COLUMN email jsonb`);
    await q.query(`
      CREATE TABLE email_deliveries (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        -- NOTIFICATION: one notification mailed on its own; DIGEST: several, gathered by the hourly/daily job.
        kind text NOT NULL CHECK (kind IN ('NOTIFICATION', 'DIGEST')),
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        recipient text NOT NULL,
        -- No foreign key: read notifications are pruned, the delivery log stays.
        notification_id uuid,
        notification_count int NOT NULL DEFAULT 1,
        only_when_offline boolean NOT NULL DEFAULT false,
        message_id text NOT NULL,
        subject text NOT NULL,
        body_text text NOT NULL,
        body_html text NOT NULL,
        -- PENDING → (claimed: a lease) → SENDING (the SMTP conversation has begun) → SENT | PENDING (retry) | FAILED;
        -- a SENDING row whose process died becomes UNCERTAIN and is never sent again; SKIPPED: the user was online.
        status text NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'SENDING', 'SENT', 'FAILED', 'UNCERTAIN', 'SKIPPED')),
        attempts int NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        lease_until timestamptz,
        lease_token uuid,
        last_error text,
        -- Retries stop once this is older than the retry window: the queueing, or an admin's resend.
        retry_from timestamptz NOT NULL DEFAULT clock_timestamp(),
        created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        sent_at timestamptz
      )`);
    // Exactly one mail per notification on this channel.
    await q.query(`CREATE UNIQUE INDEX email_deliveries_notification_key ON email_deliveries (notification_id) WHERE kind = 'NOTIFICATION'`);
    await q.query(`CREATE INDEX email_deliveries_due_idx ON email_deliveries (next_attempt_at) WHERE status = 'PENDING'`);
    await q.query(`CREATE INDEX email_deliveries_sending_idx ON email_deliveries (lease_until) WHERE status = 'SENDING'`);
    await q.query(`CREATE INDEX email_deliveries_log_idx ON email_deliveries (created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX email_deliveries_status_idx ON email_deliveries (status, created_at DESC)`);
    await q.query(`
      CREATE TABLE email_digest_items (
        notification_id uuid PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        digest text NOT NULL CHECK (digest IN ('HOURLY', 'DAILY')),
        -- What the digest lists (title, message, priority, link), copied when queued.
        item jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        -- The digest mail that took it; null: waiting for the next digest.
        delivery_id uuid
      )`);
    await q.query(`CREATE INDEX email_digest_items_waiting_idx ON email_digest_items (digest, user_id, created_at) WHERE delivery_id IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE email_digest_items, email_deliveries`);
    await q.query(`ALTER TABLE notification_preferences DROP COLUMN email`);
  }
}
