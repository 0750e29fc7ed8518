import { Injectable, NotFoundException } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { UnitOfWork } from '../../database/unit-of-work';
import type { Rule } from './rule.types';

export interface RevisionView {
  revision: number;
  ruleId: string;
  change: string;
  snapshot: Rule & { deleted?: boolean };
  changedBy: string | null;
  changedAt: string;
}

/** Every change of a rule, stored as a full snapshot in the transaction of the change. */
@Injectable()
export class RevisionsService {
  constructor(private readonly dataSource: DataSource) {}

  async record(uow: UnitOfWork, ruleId: string, snapshot: Rule & { deleted?: boolean }, change: string, changedBy: string | null): Promise<void> {
    await uow.manager.query(
      `INSERT INTO workflow_rule_revisions (rule_id, revision, snapshot, change, changed_by)
       SELECT $1, COALESCE(max(revision), 0) + 1, $2, $3, $4 FROM workflow_rule_revisions WHERE rule_id = $1`,
      [ruleId, JSON.stringify(snapshot), change, changedBy]);
  }

  async list(ruleId: string, page: { limit: number; offset: number }): Promise<{ items: RevisionView[]; total: number }> {
    const rows = await this.dataSource.query(
      `SELECT rule_id, revision, snapshot, change, changed_by, changed_at, count(*) OVER () AS total
         FROM workflow_rule_revisions WHERE rule_id = $1 ORDER BY revision DESC LIMIT $2 OFFSET $3`,
      [ruleId, page.limit, page.offset]);
    if (!rows.length) {
      const [{ n }] = await this.dataSource.query('SELECT count(*) AS n FROM workflow_rule_revisions WHERE rule_id = $1', [ruleId]);
      if (Number(n) === 0) throw new NotFoundException('rule not found');
      return { items: [], total: Number(n) };
    }
    return {
      items: rows.map((r: { rule_id: string; revision: number; snapshot: RevisionView['snapshot']; change: string; changed_by: string | null; changed_at: Date }) => ({
        revision: r.revision, ruleId: r.rule_id, change: r.change, snapshot: r.snapshot, changedBy: r.changed_by,
        changedAt: new Date(r.changed_at).toISOString(),
      })),
      total: Number(rows[0].total),
    };
  }

  async snapshot(uow: UnitOfWork, ruleId: string, revision: number): Promise<(Rule & { deleted?: boolean }) | undefined> {
    const rows = await uow.manager.query(
      'SELECT snapshot FROM workflow_rule_revisions WHERE rule_id = $1 AND revision = $2', [ruleId, revision]);
    return rows[0]?.snapshot;
  }

  /** The rules as they stood at `at` (for traces of past events): the newest revision of each rule up to then. */
  async rulesAt(at: Date): Promise<Array<Rule & { deleted?: boolean }>> {
    const rows: Array<{ snapshot: Rule & { deleted?: boolean } }> = await this.dataSource.query(
      `SELECT DISTINCT ON (rule_id) snapshot FROM workflow_rule_revisions
        WHERE changed_at <= $1 ORDER BY rule_id, revision DESC`, [at.toISOString()]);
    return rows.map((r) => r.snapshot).filter((s) => !s.deleted)
      .sort((a, b) => a.priority - b.priority || a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
  }
}
