import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Backtests replay the recorded events of a time window in (created_at, seq) order, a keyset page at a
 * time: the index on created_at alone becomes one on (created_at, seq), so each page is a range scan that
 * reads the table once, in the order it was written. Retention pruning (created_at < …) uses it as before.
 */
export class Backtest1765400000000 implements MigrationInterface {
  name = 'Backtest1765400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX IF NOT EXISTS domain_events_created_seq_idx ON domain_events (created_at, seq)`);
    await q.query(`DROP INDEX IF EXISTS domain_events_created_idx`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX IF NOT EXISTS domain_events_created_idx ON domain_events (created_at)`);
    await q.query(`DROP INDEX IF EXISTS domain_events_created_seq_idx`);
  }
}
