import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Backtests replay the recorded events of one name over a time window in (created_at, seq) order, a page at a
 * time: this index makes each page a short range scan instead of a walk over every event of the window.
 */
export class Backtest1765400000000 implements MigrationInterface {
  name = 'Backtest1765400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX IF NOT EXISTS domain_events_name_time_idx ON domain_events (name, created_at, seq)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS domain_events_name_time_idx`);
  }
}
