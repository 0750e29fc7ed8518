import { BadRequestException, ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CasesService } from '../../cases/cases.service';
import { TransactionRunner, type UnitOfWork } from '../../database/unit-of-work';
import type { ListResult } from '../../common/list';
import type { ListHistoryQuery } from '../dto/history.dto';
import { isDuplicateRun, RuleRunner } from '../engine/rule-runner';
import { loadRule } from '../rules/rule-rows';
import { HISTORY_COLUMNS, toHistoryView, type HistoryRow, type HistoryView } from './history.types';

@Injectable()
export class HistoryService {
  constructor(
    private readonly dataSource: DataSource, private readonly tx: TransactionRunner, private readonly runner: RuleRunner,
    private readonly cases: CasesService,
  ) {}

  async list(q: ListHistoryQuery): Promise<ListResult<HistoryView>> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, value: unknown) => { params.push(value); where.push(sql.replace('?', `$${params.length}`)); };
    if (q.ruleId) add('rule_id = ?', q.ruleId);
    if (q.caseId) add('case_id = ?', q.caseId);
    if (q.success !== undefined) add('success = ?', q.success);
    if (q.skipped !== undefined) where.push(q.skipped ? 'skipped_reason IS NOT NULL' : 'skipped_reason IS NULL');
    if (q.from) add('created_at >= ?::timestamptz', q.from);
    if (q.to) add('created_at <= ?::timestamptz', q.to);
    if (q.from && q.to && Date.parse(q.from) > Date.parse(q.to)) throw new BadRequestException(['from must not be after to']);
    const filter = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const [rows, [{ n }]] = await Promise.all([
      this.dataSource.query(
        `SELECT ${HISTORY_COLUMNS} FROM workflow_history ${filter} ORDER BY created_at DESC, id DESC LIMIT ${q.limit} OFFSET ${q.offset}`, params),
      this.dataSource.query(`SELECT count(*) AS n FROM workflow_history ${filter}`, params),
    ]);
    return { items: (rows as HistoryRow[]).map(toHistoryView), total: Number(n) };
  }

  /**
   * Runs the rule again for the run's case and event. One retry per failed
   * run, enforced by a unique key: a double click or two admins at once get
   * the same retry back.
   */
  async retry(id: string): Promise<HistoryView> {
    try {
      return await this.tx.run((uow) => this.retryIn(uow, id));
    } catch (error) {
      // A concurrent request retried it first: its committed retry is the answer.
      if (!isDuplicateRun(error)) throw error;
      const existing: HistoryRow[] = await this.dataSource.query(`SELECT ${HISTORY_COLUMNS} FROM workflow_history WHERE retry_of = $1`, [id]);
      if (!existing.length) throw error;
      return toHistoryView(existing[0]);
    }
  }

  private async retryIn(uow: UnitOfWork, id: string): Promise<HistoryView> {
    const rows: HistoryRow[] = await uow.manager.query(`SELECT ${HISTORY_COLUMNS} FROM workflow_history WHERE id = $1`, [id]);
    const original = rows[0];
    if (!original) throw new NotFoundException('history row not found');
    if (original.success) {
      throw new ConflictException(original.skipped_reason ? `the run was skipped (${original.skipped_reason}), not failed` : 'the run succeeded; only failed runs can be retried');
    }
    const done: HistoryRow[] = await uow.manager.query(`SELECT ${HISTORY_COLUMNS} FROM workflow_history WHERE retry_of = $1`, [id]);
    if (done.length) return toHistoryView(done[0]);
    const rule = await loadRule(uow.manager, original.rule_id);
    if (!rule) throw new ConflictException('the rule no longer exists');
    if (!(await this.cases.lockForUpdate(uow, original.case_id))) throw new ConflictException('the case no longer exists');
    const trigger = original.trigger_data as { actorId?: string | null; fromStatus?: string; previous?: { status?: string }; evidence?: { filename?: string } };
    const { view } = await this.runner.run(uow, {
      ctx: {
        rule, caseId: original.case_id, eventId: original.event_id, eventName: original.event_name, depth: original.depth,
        actorId: trigger.actorId ?? null, previousStatus: trigger.fromStatus ?? trigger.previous?.status ?? null,
        evidenceFilename: trigger.evidence?.filename ?? null,
      },
      caseNumber: original.case_number,
      triggerData: { ...original.trigger_data, retryOf: original.id },
      retryOf: original.id,
    });
    return view;
  }
}
