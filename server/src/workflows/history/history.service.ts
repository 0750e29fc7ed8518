import { BadRequestException, ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { CasesService } from '../../cases/cases.service';
import { TransactionRunner, type UnitOfWork } from '../../database/unit-of-work';
import type { ListResult } from '../../common/list';
import type { ListHistoryQuery } from '../dto/history.dto';
import { isDuplicateRun, RuleRunner } from '../engine/rule-runner';
import { forRetry } from '../engine/run-request';
import { RulesService } from '../rules/rules.service';
import { HistoryRepository } from './history.repository';
import { toHistoryView, type HistoryView } from './history.types';

@Injectable()
export class HistoryService {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly runner: RuleRunner,
    private readonly repository: HistoryRepository,
    private readonly rules: RulesService,
    private readonly cases: CasesService,
  ) {}

  async list(q: ListHistoryQuery): Promise<ListResult<HistoryView>> {
    if (q.from && q.to && Date.parse(q.from) > Date.parse(q.to)) throw new BadRequestException(['from must not be after to']);
    const { rows, total } = await this.repository.list(q, q);
    return { items: rows.map(toHistoryView), total };
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
