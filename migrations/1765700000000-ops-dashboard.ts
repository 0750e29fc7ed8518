import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The ops dashboard's pre-aggregates: rule runs counted per hour, rule and outcome (written with the history
 * rows, in the same transaction), and one backlog sample per minute (outbox, webhook deliveries, ...), so the
 * charts never scan workflow_history or the queues themselves.
 */
export class OpsDashboard1765700000000 implements MigrationInterface {
  name = 'OpsDashboard1765700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE workflow_run_stats (
        bucket_start timestamptz NOT NULL,
        rule_id uuid NOT NULL,
        outcome text NOT NULL CHECK (outcome IN ('SUCCEEDED', 'FAILED', 'COOLDOWN', 'MAX_DEPTH')),
        rule_name text NOT NULL,
        runs integer NOT NULL,
        duration_ms bigint NOT NULL,
        PRIMARY KEY (bucket_start, rule_id, outcome)
      )`);
    // History written before this table existed is counted once, here.
    await q.query(`
      INSERT INTO workflow_run_stats (bucket_start, rule_id, outcome, rule_name, runs, duration_ms)
      SELECT date_trunc('hour', created_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC', rule_id,
             COALESCE(skipped_reason, CASE WHEN success THEN 'SUCCEEDED' ELSE 'FAILED' END),
             (array_agg(rule_name ORDER BY created_at DESC))[1], count(*), COALESCE(sum(duration_ms), 0)
        FROM workflow_history GROUP BY 1, 2, 3`);
    await q.query(`
      CREATE TABLE ops_backlog_samples (
        sampled_at timestamptz PRIMARY KEY,
        backlogs jsonb NOT NULL DEFAULT '{}'::jsonb
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE ops_backlog_samples, workflow_run_stats`);
  }
}
