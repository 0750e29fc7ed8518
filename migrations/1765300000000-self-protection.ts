import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Self-protecting automation. Rules count their consecutive failed runs in their own row (every process
 * increments the same counter under the row lock, so N failures pause the rule wherever they happened) and
 * say when and why they were paused. Events set aside after their last attempt stay in the outbox as dead
 * letters: `dead_lettered_at` while one is open, `dead_letter_count` times it was set aside (the admins are
 * told the first time), `dismissed_at` once an admin has dismissed it.
 */
export class SelfProtection1765300000000 implements MigrationInterface {
  name = 'SelfProtection1765300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE workflow_rules
      ADD COLUMN consecutive_failures int NOT NULL DEFAULT 0,
      ADD COLUMN paused_at timestamptz,
      ADD COLUMN paused_reason text`);
    await q.query(`ALTER TABLE domain_events
      ADD COLUMN dead_lettered_at timestamptz,
      ADD COLUMN dead_letter_count int NOT NULL DEFAULT 0,
      ADD COLUMN dismissed_at timestamptz`);
    // Events set aside before this release: open dead letters too.
    await q.query(`UPDATE domain_events SET dead_lettered_at = processed_at, dead_letter_count = 1
      WHERE processed_at IS NOT NULL AND last_error IS NOT NULL`);
    await q.query(`CREATE INDEX domain_events_dead_letters_idx ON domain_events (dead_lettered_at DESC) WHERE dead_lettered_at IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX domain_events_dead_letters_idx`);
    await q.query(`ALTER TABLE domain_events DROP COLUMN dead_lettered_at, DROP COLUMN dead_letter_count, DROP COLUMN dismissed_at`);
    await q.query(`ALTER TABLE workflow_rules DROP COLUMN consecutive_failures, DROP COLUMN paused_at, DROP COLUMN paused_reason`);
  }
}
