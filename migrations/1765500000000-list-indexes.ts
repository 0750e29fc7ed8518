import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Lists stay fast at production volume: the case search (`q` matches number, title or description anywhere) and
 * the history's rule-name search use trigram indexes, and the history's case-number filter its own index.
 * `pg_trgm` ships with PostgreSQL and is a trusted extension: the database's owner may create it.
 */
export class ListIndexes1765500000000 implements MigrationInterface {
  name = 'ListIndexes1765500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm`);
    await q.query(`CREATE INDEX cases_case_number_trgm_idx ON cases USING gin (case_number gin_trgm_ops)`);
    await q.query(`CREATE INDEX cases_title_trgm_idx ON cases USING gin (title gin_trgm_ops)`);
    await q.query(`CREATE INDEX cases_description_trgm_idx ON cases USING gin (description gin_trgm_ops)`);
    await q.query(`CREATE INDEX workflow_history_case_number_idx ON workflow_history (case_number, created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX workflow_history_rule_name_trgm_idx ON workflow_history USING gin (rule_name gin_trgm_ops)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX workflow_history_rule_name_trgm_idx`);
    await q.query(`DROP INDEX workflow_history_case_number_idx`);
    await q.query(`DROP INDEX cases_description_trgm_idx`);
    await q.query(`DROP INDEX cases_title_trgm_idx`);
    await q.query(`DROP INDEX cases_case_number_trgm_idx`);
    // The extension stays: other objects of the database may have come to use it.
  }
}
