import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The history's rule-name search finds the rules by name first (a few hundred revisions) and their runs through the
 * rule index, so the trigram index over the name of every run goes: at 5 M runs it answered a common fragment in
 * 60–75 ms (its matches counted one by one), and every run written paid for its upkeep.
 */
export class HistoryRuleNameSearch1765800000000 implements MigrationInterface {
  name = 'HistoryRuleNameSearch1765800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS workflow_history_rule_name_trgm_idx`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX workflow_history_rule_name_trgm_idx ON workflow_history USING gin (rule_name gin_trgm_ops)`);
  }
}
