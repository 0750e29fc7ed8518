import { Injectable, Logger } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import type { CaseSnapshot } from '../../events/event-map';
import { performance } from 'node:perf_hooks';
import { inSavepoint, UnitMustBeRedone, type UnitOfWork } from '../../database/unit-of-work';
import { WORKFLOW_RUN_RECORDED, type WorkflowRunRecorded } from '../../realtime/committed-events';
import { ActionFailure } from '../actions/action-context';
import { ActionExecutor } from '../actions/action-executor';
import { CasesService } from '../../cases/cases.service';
import { isUniqueViolation } from '../../database/sql-errors';
import { HISTORY_PARAMS, HistoryRepository } from '../history/history.repository';
import { toHistoryView, type ActionOutcome, type HistoryView } from '../history/history.types';
import type { RunRequest } from './run-request';
import type { Rule } from '../rules/rule.types';
import { WorkflowMetrics } from '../workflow-metrics';
import { CircuitBreaker, type CountAnswer } from './circuit-breaker';

const CASE_GONE = 'the case no longer exists';
/** Under this name a unit stages the history rows of its runs (recordAtCommit). */
const STAGED_RUNS = 'workflow-history';
const APPEND_ONLY = new Set(['CREATE_TIMELINE', 'SEND_NOTIFICATION', 'CALL_WEBHOOK']);

/** Whether a run of the rule may change its case (and so lock it). */
export function mayChangeCase(rule: Rule): boolean {
  return rule.actions.some((a) => !APPEND_ONLY.has(a.actionType));
}

/** Failures an admin can act on (recorded in history); anything else is a fault that fails the whole event. */
function isActionError(error: unknown): boolean {
  return error instanceof ActionFailure || (error as { status?: number }).status === 400 || (error as { status?: number }).status === 404;
}

/** The unique key of history said "this already ran". */
export function isDuplicateRun(error: unknown): boolean {
  return isUniqueViolation(error, 'workflow_history_');
}

/** A run (or skip) whose history row is still to be written. */
export interface PendingHistory {
  req: RunRequest;
  outcomes: ActionOutcome[];
  skippedReason: 'COOLDOWN' | 'MAX_DEPTH' | null;
  durationMs: number;
  finalCase: CaseSnapshot | null;
}

/**
 * One rule run for one case: the history row is claimed first (a unique key
 * per event, rule and case makes a second run impossible), then the actions
 * run in sequence, each in its own savepoint so a failing one leaves no
 * half-done change, then the row records what happened.
 */
@Injectable()
export class RuleRunner {
  private readonly logger = new Logger('RuleRunner');
  constructor(
    private readonly executor: ActionExecutor,
    private readonly cases: CasesService,
    private readonly emitter: EventEmitter2,
    private readonly metrics: WorkflowMetrics,
    private readonly history: HistoryRepository,
    private readonly breaker: CircuitBreaker,
  ) {}

  /**
   * Runs the rule's actions on the case (`snapshot`: the case as the caller last saw it, loaded when
   * absent) and records the run. Returns the history row and the case as the actions left it.
   * The history row's unique key (event, rule, case) — or (retry_of) for a retry — makes a second
   * run of the same thing fail with a unique violation, which rolls the caller's savepoint back:
   * a duplicate can never take effect.
   */
  async run(uow: UnitOfWork, req: RunRequest, snapshot?: CaseSnapshot | null): Promise<{ view: HistoryView; snapshot: CaseSnapshot | null }> {
    const pending: PendingHistory[] = [];
    const after = await this.runInto(pending, uow, req, snapshot);
    const [view] = await this.record(uow, pending);
    return { view, snapshot: after };
  }

  /**
   * As run(), but the history row is added to `pending` for the caller to record() with others in one
   * statement (the engine: every rule an event triggered). Until then the run is not protected against
   * a duplicate: the caller must record() in the same unit before it commits.
   */
  async runInto(pending: PendingHistory[], uow: UnitOfWork, req: RunRequest, snapshot?: CaseSnapshot | null): Promise<CaseSnapshot | null> {
    const started = performance.now();
    const { ctx } = req;
    const outcomes: ActionOutcome[] = [];
    // Actions see the case as the previous ones left it; a failed action's changes are rolled back, and so is its view.
    let current = snapshot === undefined ? await this.cases.snapshot(ctx.caseId, uow) : snapshot;
    for (const action of [...ctx.rule.actions].sort((a, b) => a.sequence - b.sequence)) {
      const t0 = performance.now();
      try {
        if (!current) throw new ActionFailure(CASE_GONE);
        const before = current;
        // Actions that only append (timeline, notification) fail before writing anything; the ones that
        // change the case write several rows and get a savepoint so a failure leaves nothing half-done —
        // except in an optimistic unit, where such a failure fails the unit, which is then redone carefully.
        const appendOnly = APPEND_ONLY.has(action.actionType);
        const result = appendOnly
          ? await this.executor.execute(action, ctx, uow, before)
          : uow.optimistic
            ? await this.executor.execute(action, ctx, uow, before).catch((error: unknown) => { throw new UnitMustBeRedone(error); })
            : await inSavepoint(uow, (child) => this.executor.execute(action, ctx, child, before));
        current = result.snapshot;
        outcomes.push({ actionType: action.actionType, success: true, detail: result.detail, durationMs: Math.round(performance.now() - t0) });
      } catch (error) {
        if (error instanceof UnitMustBeRedone) throw error;
        if (!isActionError(error)) {
          // Without a savepoint the transaction may be unusable: let the whole event fail and be retried.
          if (APPEND_ONLY.has(action.actionType)) throw error;
          this.logger.error(`rule ${ctx.rule.name}: ${action.actionType} failed unexpectedly: ${(error as Error).message}`);
        }
        const message = (error as { response?: { message?: string | string[] } }).response?.message ?? (error as Error).message;
        outcomes.push({ actionType: action.actionType, success: false, detail: Array.isArray(message) ? message.join('; ') : String(message), durationMs: Math.round(performance.now() - t0) });
        // Without its case nothing after this can mean anything.
        if ((error as Error).message === CASE_GONE) break;
      }
      this.metrics.observeAction(action.actionType, outcomes[outcomes.length - 1].success, performance.now() - t0);
    }
    pending.push({ req, outcomes, skippedReason: null, durationMs: Math.round(performance.now() - started), finalCase: current });
    return current;
  }

  /** A COOLDOWN or MAX_DEPTH row: the rule matched but did not run. */
  async skip(uow: UnitOfWork, req: RunRequest, reason: 'COOLDOWN' | 'MAX_DEPTH'): Promise<HistoryView> {
    const pending: PendingHistory[] = [];
    this.skipInto(pending, req, reason);
    return (await this.record(uow, pending))[0];
  }

  skipInto(pending: PendingHistory[], req: RunRequest, reason: 'COOLDOWN' | 'MAX_DEPTH'): void {
    pending.push({ req, outcomes: [], skippedReason: reason, durationMs: 0, finalCase: null });
  }

  /**
   * As record(), but in an optimistic unit (an engine batch) runs without a failure are staged and written with
   * the rest of the unit's runs in one statement just before its commit. A run that failed is recorded at once,
   * after those staged before it: the circuit breaker counts a rule's runs in order, and a rule it pauses must
   * not run again for the later events of the same unit.
   */
  async recordAtCommit(uow: UnitOfWork, pending: PendingHistory[]): Promise<void> {
    if (!pending.length) return;
    const failed = pending.some((p) => p.outcomes.some((o) => !o.success));
    if (!failed) {
      await uow.writeAtCommitIfOptimistic(STAGED_RUNS, pending, async (unit, all) => { await this.record(unit, all); });
      return;
    }
    await this.writeStaged(uow);
    await this.record(uow, pending);
  }

  /** Writes the runs recordAtCommit() staged so far (before reading history that must include them). */
  async writeStaged(uow: UnitOfWork): Promise<void> {
    if (uow.hasStaged(STAGED_RUNS)) await uow.flushStagedNow(STAGED_RUNS);
  }

  /** Writes the pending history rows in one statement, in order; pushes them (and timeline news) after commit. */
  async record(uow: UnitOfWork, pending: PendingHistory[]): Promise<HistoryView[]> {
    if (!pending.length) return [];
    const errors = pending.map((p) => p.outcomes.filter((o) => !o.success).map((f) => `${f.actionType}: ${f.detail}`));
    // Same transaction and statement as the history rows: a run that rolls back counts nothing.
    const counting = this.breaker.countingSql(pending.filter((p) => !p.skippedReason).map((p) => ({
      rule: p.req.ctx.rule, success: !p.outcomes.some((o) => !o.success),
      errorMessage: p.outcomes.filter((o) => !o.success).map((f) => `${f.actionType}: ${f.detail}`).join('; ') || null,
    })), HISTORY_PARAMS + 1);
    const { rows, alongside } = await this.history.insertMany<CountAnswer>(uow, pending.map((p, i) => ({
      ruleId: p.req.ctx.rule.id, ruleName: p.req.ctx.rule.name, caseId: p.req.ctx.caseId, caseNumber: p.req.caseNumber,
      eventId: p.req.ctx.eventId, eventName: p.req.ctx.eventName, triggerData: p.req.triggerData, depth: p.req.ctx.depth,
      retryOf: p.req.retryOf ?? null, outcomes: p.outcomes, success: errors[i].length === 0,
      errorMessage: errors[i].length ? errors[i].join('; ') : null, durationMs: p.durationMs, skippedReason: p.skippedReason,
    })), counting?.fragment);
    // Matched by key rather than trusting the order RETURNING happens to keep.
    const key = (ruleId: string, caseId: string, eventId: string) => `${ruleId}|${caseId}|${eventId}`;
    const byKey = new Map(rows.map((r) => [key(r.rule_id, r.case_id, r.event_id), r]));
    if (counting) await this.breaker.pauseReached(uow, counting.counted, alongside);
    return pending.map((p) => {
      const view = toHistoryView(byKey.get(key(p.req.ctx.rule.id, p.req.ctx.caseId, p.req.ctx.eventId))!);
      this.metrics.observeRun(p.skippedReason ?? (view.success ? 'RAN' : 'FAILED'), p.durationMs);
      const wroteTimeline = p.outcomes.some((o) => o.success && o.actionType === 'CREATE_TIMELINE');
      const finalCase = p.finalCase;
      const recorded: WorkflowRunRecorded = { history: view, timelineWrittenOn: wroteTimeline ? finalCase : null };
      uow.afterCommit(() => void this.emitter.emit(WORKFLOW_RUN_RECORDED, recorded));
      return view;
    });
  }
}
