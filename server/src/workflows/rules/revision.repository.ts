import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { escapeLike } from '../../database/like';
import type { UnitOfWork } from '../../database/unit-of-work';
import type { RevisionView } from '../../../../contracts/workflows';
import type { Rule } from './rule.types';

export type RuleSnapshot = Rule & { deleted?: boolean };

/** Rules by name: those whose every name matched, and those of which only some did. */
export interface RulesNamed { always: string[]; sometimes: string[] }

interface RevisionRow { rule_id: string; revision: number; snapshot: RuleSnapshot; change: string; changed_by: string | null; changed_at: Date }

/** The only place with SQL on workflow_rule_revisions: every change of a rule, as a full snapshot. */
@Injectable()
export class RevisionRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Appends the next revision of the rule; returns its number. */
  async record(uow: UnitOfWork, ruleId: string, snapshot: RuleSnapshot, change: string, changedBy: string | null): Promise<number> {
    const [row] = await uow.manager.query(
      `INSERT INTO workflow_rule_revisions (rule_id, revision, snapshot, change, changed_by)
       SELECT $1, COALESCE(max(revision), 0) + 1, $2, $3, $4 FROM workflow_rule_revisions WHERE rule_id = $1
       RETURNING revision`,
      [ruleId, JSON.stringify(snapshot), change, changedBy]);
    return row.revision;
  }

  /** The newest revision of the rule (0 when it has none). */
  async current(ruleId: string, uow?: UnitOfWork): Promise<number> {
    const [{ revision }] = await (uow?.manager ?? this.dataSource.manager).query(
      'SELECT COALESCE(max(revision), 0) AS revision FROM workflow_rule_revisions WHERE rule_id = $1', [ruleId]);
    return Number(revision);
  }

  /** Newest first; `undefined` when the rule never existed. */
  async list(ruleId: string, page: { limit: number; offset: number }): Promise<{ items: RevisionView[]; total: number } | undefined> {
    const rows: Array<RevisionRow & { total: string }> = await this.dataSource.query(
      `SELECT rule_id, revision, snapshot, change, changed_by, changed_at, count(*) OVER () AS total
         FROM workflow_rule_revisions WHERE rule_id = $1 ORDER BY revision DESC LIMIT $2 OFFSET $3`,
      [ruleId, page.limit, page.offset]);
    if (!rows.length) {
      const [{ n }] = await this.dataSource.query('SELECT count(*) AS n FROM workflow_rule_revisions WHERE rule_id = $1', [ruleId]);
      return Number(n) === 0 ? undefined : { items: [], total: Number(n) };
    }
    return {
      items: rows.map((r) => ({
        revision: r.revision, ruleId: r.rule_id, change: r.change, snapshot: r.snapshot, changedBy: r.changed_by,
        changedAt: new Date(r.changed_at).toISOString(),
      })),
      total: Number(rows[0].total),
    };
  }

  /**
   * The rules (deleted ones included) whose name contained `text`, case-insensitive: `always` in every revision,
   * `sometimes` in some revisions only (renamed from or to a matching name).
   */
  async rulesEverNamed(text: string): Promise<RulesNamed> {
    const rows: Array<{ rule_id: string; always: boolean }> = await this.dataSource.query(
      `SELECT rule_id, bool_and(matches) AS always
         FROM (SELECT rule_id, snapshot->>'name' ILIKE '%' || $1 || '%' AS matches FROM workflow_rule_revisions) named
        GROUP BY rule_id HAVING bool_or(matches)`, [escapeLike(text)]);
    return { always: rows.filter((r) => r.always).map((r) => r.rule_id), sometimes: rows.filter((r) => !r.always).map((r) => r.rule_id) };
  }

  async snapshot(uow: UnitOfWork, ruleId: string, revision: number): Promise<RuleSnapshot | undefined> {
    const rows: Array<{ snapshot: RuleSnapshot }> = await uow.manager.query(
      'SELECT snapshot FROM workflow_rule_revisions WHERE rule_id = $1 AND revision = $2', [ruleId, revision]);
    return rows[0]?.snapshot;
  }

  /** The newest snapshot of each rule up to `at`, deleted ones included. */
  async latestUpTo(at: Date): Promise<RuleSnapshot[]> {
    const rows: Array<{ snapshot: RuleSnapshot }> = await this.dataSource.query(
      `SELECT DISTINCT ON (rule_id) snapshot FROM workflow_rule_revisions
        WHERE changed_at <= $1 ORDER BY rule_id, revision DESC`, [at.toISOString()]);
    return rows.map((r) => r.snapshot);
  }
}
