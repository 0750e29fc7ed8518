import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Outgoing webhooks and their durable delivery queue. */
export class Webhooks1764100014000 implements MigrationInterface {
  name = 'Webhooks1764100014000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TYPE workflow_action_type ADD VALUE IF NOT EXISTS 'CALL_WEBHOOK'`);
    await q.query(`
      CREATE TABLE webhooks (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        url text NOT NULL,
        -- AES-256-GCM of the signing secret (iv | tag | ciphertext): the server must sign with it, so it is
        -- recoverable, but a copy of the database alone does not reveal it.
        secret_encrypted bytea NOT NULL,
        is_enabled boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX webhooks_name_key ON webhooks (lower(name))`);
    await q.query(`CREATE TYPE webhook_delivery_status AS ENUM ('PENDING', 'SUCCEEDED', 'FAILED')`);
    await q.query(`
      CREATE TABLE webhook_deliveries (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        webhook_id uuid NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
        rule_id uuid,
        event_id uuid,
        -- The body as queued (the case as the rule saw it), json to keep its key order; signed at send time.
        payload json NOT NULL,
        status webhook_delivery_status NOT NULL DEFAULT 'PENDING',
        attempts int NOT NULL DEFAULT 0,
        -- Attempts since queued or redelivered: what the retry delay grows with.
        round_attempts int NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        -- A claim is a lease: a worker that dies between claim and result leaves it to expire.
        lease_until timestamptz,
        lease_token uuid,
        -- Retries stop once this round (queued, or redelivered) is older than the retry window.
        round_started_at timestamptz NOT NULL DEFAULT now(),
        response_status int,
        duration_ms int,
        last_error text,
        created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        delivered_at timestamptz
      )`);
    await q.query(`CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (next_attempt_at) WHERE status = 'PENDING'`);
    await q.query(`CREATE INDEX webhook_deliveries_log_idx ON webhook_deliveries (webhook_id, created_at DESC, id DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE webhook_deliveries, webhooks`);
    await q.query(`DROP TYPE webhook_delivery_status`);
    // PostgreSQL cannot drop one value of an enum: CALL_WEBHOOK stays in workflow_action_type (actions using it must be deleted first).
    await q.query(`DELETE FROM workflow_actions WHERE action_type = 'CALL_WEBHOOK'`);
  }
}
