import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { DataSource } from 'typeorm';
import { CasesService } from '../cases/cases.service';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { BackgroundTransactionRunner, inSavepoint, UnitMustBeRedone, type UnitOfWork } from '../database/unit-of-work';
import { compileConditions } from '../workflows/conditions/condition-sql';
import { isDuplicateRun, RuleRunner } from '../workflows/engine/rule-runner';
import { loadRule } from '../workflows/rules/rule-rows';
import type { Rule, TimeBasedTrigger } from '../workflows/rules/rule.types';

export const TICK_ENQUEUED = 'scheduler.tick_enqueued';
const BATCH = 250;
const PARALLEL_BATCHES = 3;
const POLL_MS = 2000;
/** Advisory-lock namespace for ticks (the second key is the tick's hash). */
const TICK_LOCK_SPACE = 7_150_100;

interface TickRow { id: string; rule_id: string; scheduled_for: Date; catch_up: boolean }

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

  private readonly dataSource: DataSource;

  constructor(
    private readonly tx: BackgroundTransactionRunner,
    private readonly runner: RuleRunner,
    private readonly cases: CasesService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.dataSource = tx.dataSource;
  }

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
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      const ticks: TickRow[] = await runner.query(
        `SELECT id, rule_id, scheduled_for, catch_up FROM workflow_ticks WHERE processed_at IS NULL ORDER BY created_at LIMIT 20`);
      for (const tick of ticks) {
        const [{ locked }] = await runner.query('SELECT pg_try_advisory_lock($1, hashtext($2)) AS locked', [TICK_LOCK_SPACE, tick.id]);
        if (!locked) continue;
        try {
          const [{ done }] = await runner.query('SELECT processed_at IS NOT NULL AS done FROM workflow_ticks WHERE id = $1', [tick.id]);
          if (!done) await this.processTick(tick);
          return true;
        } finally {
          await runner.query('SELECT pg_advisory_unlock($1, hashtext($2))', [TICK_LOCK_SPACE, tick.id]);
        }
      }
      return false;
    } finally {
      await runner.release();
    }
  }

  private async processTick(tick: TickRow): Promise<void> {
    const started = Date.now();
    await this.dataSource.query('UPDATE workflow_ticks SET started_at = COALESCE(started_at, now()) WHERE id = $1', [tick.id]);
    const rule = await loadRule(this.dataSource.manager, tick.rule_id);
    let acted = 0;
    if (rule && rule.isEnabled && rule.triggerType === 'TIME_BASED') {
      const now = new Date();
      const { sql, params } = this.predicate(rule, now, 2);
      let afterId = '00000000-0000-0000-0000-000000000000';
      for (;;) {
        const page = await this.cases.pageMatching({
          sql: `${sql} AND NOT EXISTS (SELECT 1 FROM workflow_rule_case_state s WHERE s.rule_id = $2 AND s.case_id = c.id AND s.time_matched)`,
          params: [rule.id, ...params],
        }, afterId, BATCH * PARALLEL_BATCHES, this.dataSource.manager);
        if (!page.length) break;
        // Batches of one page run side by side on their own connections: different cases, and each case's
        // history key keeps its run single even so.
        const batches = Array.from({ length: Math.ceil(page.length / BATCH) }, (_, i) => page.slice(i * BATCH, (i + 1) * BATCH));
        acted += (await Promise.all(batches.map((batch) => this.actOn(rule, tick, batch)))).reduce((a, b) => a + b, 0);
        afterId = page[page.length - 1].id;
      }
      // Cases that no longer match may be acted on again when they match again.
      const reset = this.predicate(rule, now, 1);
      await this.dataSource.query(
        `UPDATE workflow_rule_case_state s SET time_matched = false
          WHERE s.rule_id = $1 AND s.time_matched
            AND NOT EXISTS (SELECT 1 FROM cases c WHERE c.id = s.case_id AND ${reset.sql})`,
        [rule.id, ...reset.params]);
    }
    await this.dataSource.query('UPDATE workflow_ticks SET processed_at = now(), cases_acted = $2 WHERE id = $1', [tick.id, acted]);
    if (acted) this.logger.log(`rule "${rule?.name}": acted on ${acted} case(s) in ${Date.now() - started} ms`);
  }

  /** Conditions plus the rule's scope and case-type filters, as SQL over `cases c`. */
  private predicate(rule: Rule, now: Date, paramsBefore: number): { sql: string; params: unknown[] } {
    const cfg = rule.triggerConfig as unknown as TimeBasedTrigger;
    const compiled = compileConditions(cfg.conditions, 'ALL', 'c', paramsBefore + 1, now);
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
  private async actOn(rule: Rule, tick: TickRow, batch: Array<{ id: string; case_number: string }>): Promise<number> {
    return this.tx.runOptimistically(async (uow) => {
      let acted = 0;
      const cooling = new Set<string>(rule.cooldownSeconds > 0
        ? (await uow.manager.query(
          `SELECT DISTINCT case_id FROM workflow_history WHERE rule_id = $1 AND case_id = ANY($2) AND skipped_reason IS NULL
              AND created_at > clock_timestamp() - make_interval(secs => $3)`, [rule.id, batch.map((c) => c.id), rule.cooldownSeconds]))
          .map((r: { case_id: string }) => r.case_id)
        : []);
      for (const c of batch) {
        const req = {
          ctx: { rule, caseId: c.id, eventId: tick.id, eventName: 'schedule.tick', depth: 0, actorId: null, previousStatus: null, evidenceFilename: null },
          caseNumber: c.case_number,
          triggerData: { schedule: (rule.triggerConfig as unknown as TimeBasedTrigger).cron, scheduledFor: new Date(tick.scheduled_for).toISOString(), tickId: tick.id, catchUp: tick.catch_up },
        };
        const actOnCase = async (unit: UnitOfWork) => {
          if (cooling.has(c.id)) {
            await this.runner.skip(unit, req, 'COOLDOWN');
            return;
          }
          await this.runner.run(unit, req);
          await unit.manager.query(
            `INSERT INTO workflow_rule_case_state (rule_id, case_id, time_matched) VALUES ($1, $2, true)
             ON CONFLICT (rule_id, case_id) DO UPDATE SET time_matched = true`, [rule.id, c.id]);
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
