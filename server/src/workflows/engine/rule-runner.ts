import { Injectable, Logger } from '@nestjs/common';
import { performance } from 'node:perf_hooks';
import { inSavepoint, type UnitOfWork } from '../../database/unit-of-work';
import { NotificationsPusher } from '../../notifications/notifications.pusher';
import { ActionFailure, type RunContext } from '../actions/action-context';
import { ActionExecutor } from '../actions/action-executor';
import { CasesService } from '../../cases/cases.service';
import { HISTORY_COLUMNS, toHistoryView, type ActionOutcome, type HistoryRow, type HistoryView } from '../history/history.types';
import { WorkflowMetrics } from '../workflow-metrics';

const CASE_GONE = 'the case no longer exists';

export interface RunRequest {
  ctx: RunContext;
  caseNumber: string;
  triggerData: Record<string, unknown>;
  retryOf?: string;
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
    private readonly pusher: NotificationsPusher,
    private readonly metrics: WorkflowMetrics,
  ) {}

  /** Returns the history row, or undefined when this (event, rule, case) already ran. */
  async run(uow: UnitOfWork, req: RunRequest): Promise<HistoryView | undefined> {
    const started = performance.now();
    const { ctx } = req;
    const conflict = req.retryOf ? '(retry_of) WHERE retry_of IS NOT NULL' : '(event_id, rule_id, case_id) WHERE retry_of IS NULL';
    const claimed: Array<{ id: string }> = await uow.manager.query(
      `INSERT INTO workflow_history (rule_id, rule_name, case_id, case_number, event_id, event_name, trigger_data, success, depth, retry_of)
       VALUES ($1, $2, $3, $4, $5, $6, $7, false, $8, $9)
       ON CONFLICT ${conflict} DO NOTHING RETURNING id`,
      [ctx.rule.id, ctx.rule.name, ctx.caseId, req.caseNumber, ctx.eventId, ctx.eventName, JSON.stringify(req.triggerData), ctx.depth, req.retryOf ?? null]);
    if (!claimed.length) return undefined;

    const outcomes: ActionOutcome[] = [];
    // Actions see the case as the previous ones left it; a failed action's changes are rolled back, and so is its view.
    let current = await this.cases.snapshot(ctx.caseId, uow);
    for (const action of [...ctx.rule.actions].sort((a, b) => a.sequence - b.sequence)) {
      const t0 = performance.now();
      try {
        if (!current) throw new ActionFailure(CASE_GONE);
        const snapshot = current;
        const result = await inSavepoint(uow, (child) => this.executor.execute(action, ctx, child, snapshot));
        current = result.snapshot;
        outcomes.push({ actionType: action.actionType, success: true, detail: result.detail, durationMs: Math.round(performance.now() - t0) });
      } catch (error) {
        const expected = error instanceof ActionFailure || (error as { status?: number }).status === 400;
        if (!expected) this.logger.error(`rule ${ctx.rule.name}: ${action.actionType} failed unexpectedly: ${(error as Error).message}`);
        const message = (error as { response?: { message?: string | string[] } }).response?.message ?? (error as Error).message;
        outcomes.push({ actionType: action.actionType, success: false, detail: Array.isArray(message) ? message.join('; ') : String(message), durationMs: Math.round(performance.now() - t0) });
        // Without its case nothing after this can mean anything.
        if ((error as Error).message === CASE_GONE) break;
      }
      this.metrics.observeAction(action.actionType, outcomes[outcomes.length - 1].success, performance.now() - t0);
    }
    const failed = outcomes.filter((o) => !o.success);
    const [[row]]: [HistoryRow[]] = await uow.manager.query(
      `UPDATE workflow_history SET actions_executed = $2, success = $3, error_message = $4, duration_ms = $5
        WHERE id = $1 RETURNING ${HISTORY_COLUMNS}`,
      [claimed[0].id, JSON.stringify(outcomes), failed.length === 0,
        failed.length ? failed.map((f) => `${f.actionType}: ${f.detail}`).join('; ') : null, Math.round(performance.now() - started)]);
    await uow.manager.query(
      `INSERT INTO workflow_rule_case_state (rule_id, case_id, last_run_at) VALUES ($1, $2, now())
       ON CONFLICT (rule_id, case_id) DO UPDATE SET last_run_at = now()`, [ctx.rule.id, ctx.caseId]);
    const view = toHistoryView(row);
    this.metrics.observeRun(view.success ? 'RAN' : 'FAILED');
    uow.afterCommit(() => this.pusher.workflowHistory(view));
    return view;
  }

  /** A COOLDOWN or MAX_DEPTH row: the rule matched but did not run. */
  async skip(uow: UnitOfWork, req: RunRequest, reason: 'COOLDOWN' | 'MAX_DEPTH'): Promise<HistoryView | undefined> {
    const { ctx } = req;
    const rows: HistoryRow[] = await uow.manager.query(
      `INSERT INTO workflow_history (rule_id, rule_name, case_id, case_number, event_id, event_name, trigger_data, success, skipped_reason, depth)
       VALUES ($1, $2, $3, $4, $5, $6, $7, true, $8, $9)
       ON CONFLICT (event_id, rule_id, case_id) WHERE retry_of IS NULL DO NOTHING RETURNING ${HISTORY_COLUMNS}`,
      [ctx.rule.id, ctx.rule.name, ctx.caseId, req.caseNumber, ctx.eventId, ctx.eventName, JSON.stringify(req.triggerData), reason, ctx.depth]);
    if (!rows.length) return undefined;
    const view = toHistoryView(rows[0]);
    this.metrics.observeRun(reason);
    uow.afterCommit(() => this.pusher.workflowHistory(view));
    return view;
  }
}
