import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { CasesService } from '../cases/cases.service';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { BackgroundTransactionRunner, inSavepoint, UnitMustBeRedone, type UnitOfWork } from '../database/unit-of-work';
import { compileConditions } from '../workflows/conditions/condition-sql';
import { isDuplicateRun, RuleRunner } from '../workflows/engine/rule-runner';
import { forTick, type TickRef } from '../workflows/engine/run-request';
import { HistoryRepository, cooldownKey } from '../workflows/history/history.repository';
import { RulesService } from '../workflows/rules/rules.service';
import { CircuitBreaker } from '../workflows/engine/circuit-breaker';
import type { Rule } from '../workflows/rules/rule.types';
import { TickRepository, type TickRow } from './tick.repository';

export const TICK_ENQUEUED = 'scheduler.tick_enqueued';
const BATCH = 250;
const PARALLEL_BATCHES = 3;
const POLL_MS = 2000;

type TimeRule = Rule & { triggerType: 'TIME_BASED' };

/**
 * Works off schedule ticks: for each, selects the matching cases in SQL
 * (conditions compiled to a parameterised predicate, keyset-paginated by id,
 * never all cases in memory) and runs the rule once per case until that case
 * stops matching. A tick is held by a session advisory lock, so one process
 * works it; a crash frees the lock and another process resumes it, and the
 * per-case history key keeps every case acted on once.
 */
@Injectable()
export class TickProcessor implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('TickProcessor');
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private pending = false;


  constructor(
    private readonly tx: BackgroundTransactionRunner,
    private readonly runner: RuleRunner,
    private readonly rules: RulesService,
    private readonly history: HistoryRepository,
    private readonly ticks: TickRepository,
    private readonly cases: CasesService,
    private readonly breaker: CircuitBreaker,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.scheduler) return;
    this.running = true;
    this.loop = this.work();
  }

  async onApplicationShutdown(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
  }

  @OnEvent(TICK_ENQUEUED)
  nudge(): void {
    this.pending = true;
    this.wake?.();
  }

  private async work(): Promise<void> {
    while (this.running) {
      let did = false;
      try {
        did = await this.processNext();
      } catch (error) {
        this.logger.warn(`tick processing failed: ${(error as Error).message}`);
      }
      if (!did && this.running) {
        if (this.pending) { this.pending = false; continue; }
        await new Promise<void>((resolve) => {
          const timer = setTimeout(done, POLL_MS);
          function done() { clearTimeout(timer); resolve(); }
          this.wake = done;
        });
        this.wake = undefined;
        this.pending = false;
      }
    }
  }

  /** Takes one unprocessed tick no other process holds and works it; false when there is none. */
  async processNext(): Promise<boolean> {
    return this.tx.withSession(async (session) => {
      for (const tick of await this.ticks.unprocessed(session, 20)) {
        if (!(await this.ticks.tryLock(session, tick.id))) continue;
        try {
          if (!(await this.ticks.isProcessed(session, tick.id))) await this.processTick(tick);
          return true;
        } finally {
          await this.ticks.unlock(session, tick.id);
        }
      }
      return false;
    });
  }

  private async processTick(tick: TickRow): Promise<void> {
    const started = Date.now();
    await this.ticks.markStarted(tick.id);
    const rule = await this.rules.find(tick.rule_id, this.tx.dataSource.manager);
    let acted = 0;
    if (rule && rule.isEnabled && !rule.pausedAt && rule.triggerType === 'TIME_BASED') {
      const ref: TickRef = { id: tick.id, scheduledFor: new Date(tick.scheduled_for), catchUp: tick.catch_up };
      const now = new Date();
      const { sql, params } = this.predicate(rule, now, 2);
      let afterId = '00000000-0000-0000-0000-000000000000';
      for (;;) {
        const page = await this.cases.pageMatching({
          sql: `${sql} AND NOT EXISTS (SELECT 1 FROM workflow_rule_case_state s WHERE s.rule_id = $2 AND s.case_id = c.id AND s.time_matched)`,
          params: [rule.id, ...params],
        }, afterId, BATCH * PARALLEL_BATCHES, this.tx.dataSource.manager);
        if (!page.length) break;
        // Batches of one page run side by side on their own connections: different cases, and each case's
        // history key keeps its run single even so.
        const batches = Array.from({ length: Math.ceil(page.length / BATCH) }, (_, i) => page.slice(i * BATCH, (i + 1) * BATCH));
        acted += (await Promise.all(batches.map((batch) => this.actOn(rule, ref, batch)))).reduce((a, b) => a + b, 0);
        afterId = page[page.length - 1].id;
        // The circuit breaker may have paused the rule while it worked this page: a paused rule runs no more.
        if (await this.rules.isPaused(rule.id)) break;
      }
      // Cases that no longer match may be acted on again when they match again.
      await this.ticks.resetNoLongerMatching(rule.id, this.predicate(rule, now, 1));
    }
    await this.ticks.markProcessed(tick.id, acted);
    if (acted) this.logger.log(`rule "${rule?.name}": acted on ${acted} case(s) in ${Date.now() - started} ms`);
  }

  /** Conditions plus the rule's scope and case-type filters, as SQL over `cases c`. */
  private predicate(rule: TimeRule, now: Date, paramsBefore: number): { sql: string; params: unknown[] } {
    const compiled = compileConditions(rule.triggerConfig.conditions, 'ALL', 'c', paramsBefore + 1, now);
    const parts = [compiled.sql];
    const params = [...compiled.params];
    if (rule.scopeCodes.length) { params.push(rule.scopeCodes); parts.push(`c.scope_code = ANY($${paramsBefore + params.length}::text[])`); }
    if (rule.caseTypes.length) { params.push(rule.caseTypes); parts.push(`c.case_type = ANY($${paramsBefore + params.length}::case_type[])`); }
    return { sql: parts.join(' AND '), params };
  }

  /**
   * Runs the rule on a batch of cases in one transaction. Optimistic first, without a savepoint per
   * case (three round trips saved per case); if anything fails — an action, or another process having
   * run this tick for a case already — the attempt is rolled back and the batch is redone carefully,
   * each case in a savepoint of its own, exactly as if it had been careful from the start.
   */
  private async actOn(rule: TimeRule, tick: TickRef, batch: Array<{ id: string; case_number: string }>): Promise<number> {
    return this.tx.runOptimistically(async (uow) => {
      let acted = 0;
      const cooling = await this.history.coolingDown(uow, batch.map((c) => ({ ruleId: rule.id, caseId: c.id, cooldownSeconds: rule.cooldownSeconds })));
      for (const c of batch) {
        if (this.breaker.pausedInUnit(uow, rule.id)) break;
        const req = forTick(rule, tick, { id: c.id, caseNumber: c.case_number });
        const actOnCase = async (unit: UnitOfWork) => {
          if (cooling.has(cooldownKey(rule.id, c.id))) {
            await this.runner.skip(unit, req, 'COOLDOWN');
            return;
          }
          await this.runner.run(unit, req);
          await this.ticks.markActedOn(unit, rule.id, c.id);
          acted++;
        };
        try {
          if (uow.optimistic) await actOnCase(uow);
          else await inSavepoint(uow, actOnCase);
        } catch (error) {
          if (uow.optimistic) throw error instanceof UnitMustBeRedone ? error : new UnitMustBeRedone(error);
          // Another process already ran this tick for this case (its history row exists): nothing to redo.
          if (!isDuplicateRun(error)) throw error;
        }
      }
      return acted;
    });
  }
}
