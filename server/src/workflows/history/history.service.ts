import { BadRequestException, ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { CasesService } from '../../cases/cases.service';
import { TransactionRunner, type UnitOfWork } from '../../database/unit-of-work';
import { cappedTotal, type ListResult } from '../../common/list';
import type { ExportHistoryQuery, ListHistoryQuery } from '../dto/history.dto';
import { HISTORY_CSV_HEADER, historyCsvRecord } from './history-csv';
import { isDuplicateRun, RuleRunner } from '../engine/rule-runner';
import { forRetry } from '../engine/run-request';
import { RulesService } from '../rules/rules.service';
import { RevisionRepository } from '../rules/revision.repository';
import { HistoryRepository, type HistoryCursor, type HistoryFilter } from './history.repository';
import { toHistoryView, type HistoryView } from './history.types';

/** Rows per keyset page of the CSV export. */
const EXPORT_PAGE = 2000;

function checkRange(q: { from?: string; to?: string }): void {
  if (q.from && q.to && Date.parse(q.from) > Date.parse(q.to)) throw new BadRequestException(['from must not be after to']);
}

@Injectable()
export class HistoryService {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly runner: RuleRunner,
    private readonly repository: HistoryRepository,
    private readonly rules: RulesService,
    private readonly revisions: RevisionRepository,
    private readonly cases: CasesService,
  ) {}

  async list(q: ListHistoryQuery): Promise<ListResult<HistoryView>> {
    checkRange(q);
    const { rows, counted } = await this.repository.list(await this.filterOf(q), q);
    return { items: rows.map(toHistoryView), ...cappedTotal(counted) };
  }

  /**
   * Every row matching the filter as CSV text, a keyset page (EXPORT_PAGE rows) at a time: the caller
   * writes each chunk before the next page is read, so memory stays flat whatever the row count.
   */
  async *exportCsv(q: ExportHistoryQuery): AsyncGenerator<string> {
    checkRange(q);
    const filter = await this.filterOf(q);
    yield HISTORY_CSV_HEADER;
    let cursor: HistoryCursor | undefined;
    for (;;) {
      const rows = await this.repository.page(filter, cursor, EXPORT_PAGE);
      if (!rows.length) return;
      yield rows.map((r) => historyCsvRecord(toHistoryView(r))).join('');
      const last = rows[rows.length - 1];
      cursor = { at: last.cursor_at, id: last.id };
      if (rows.length < EXPORT_PAGE) return;
    }
  }

  /**
   * A rule-name search looks among the few rules first: on millions of runs, a text index on the name of each run
   * cost more per written run, and more per search (its matches counted one by one), than the rule index does.
   */
  private async filterOf({ q, ...filter }: ListHistoryQuery): Promise<HistoryFilter> {
    return q ? { ...filter, ruleName: { text: q, rules: await this.revisions.rulesEverNamed(q) } } : filter;
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
      const existing = await this.repository.findRetryOf(id);
      if (!existing) throw error;
      return toHistoryView(existing);
    }
  }

  private async retryIn(uow: UnitOfWork, id: string): Promise<HistoryView> {
    const original = await this.repository.findById(id, uow);
    if (!original) throw new NotFoundException('history row not found');
    if (original.success) {
      throw new ConflictException(original.skipped_reason ? `the run was skipped (${original.skipped_reason}), not failed` : 'the run succeeded; only failed runs can be retried');
    }
    const done = await this.repository.findRetryOf(id, uow);
    if (done) return toHistoryView(done);
    const rule = await this.rules.find(original.rule_id, uow);
    if (!rule) throw new ConflictException('the rule no longer exists');
    if (!(await this.cases.lockForUpdate(uow, original.case_id))) throw new ConflictException('the case no longer exists');
    const { view } = await this.runner.run(uow, forRetry(rule, original));
    return view;
  }
}
