import type { ActionOutcome, HistoryView } from '../../../../contracts/workflows';

export type { ActionOutcome, HistoryView } from '../../../../contracts/workflows';

export interface HistoryRow {
  id: string; rule_id: string; rule_name: string; case_id: string; case_number: string; event_id: string; event_name: string;
  trigger_data: Record<string, unknown>; actions_executed: ActionOutcome[]; success: boolean; error_message: string | null;
  skipped_reason: 'COOLDOWN' | 'MAX_DEPTH' | null; depth: number; duration_ms: number; retry_of: string | null; created_at: Date;
}

export const HISTORY_COLUMNS = `id, rule_id, rule_name, case_id, case_number, event_id, event_name, trigger_data, actions_executed,
  success, error_message, skipped_reason, depth, duration_ms, retry_of, created_at`;

export function toHistoryView(r: HistoryRow): HistoryView {
  return {
    id: r.id, ruleId: r.rule_id, ruleName: r.rule_name, caseId: r.case_id, caseNumber: r.case_number, eventId: r.event_id,
    eventName: r.event_name, triggerData: r.trigger_data, actionsExecuted: r.actions_executed, success: r.success,
    errorMessage: r.error_message, skippedReason: r.skipped_reason, depth: r.depth, durationMs: r.duration_ms,
    retryOf: r.retry_of, createdAt: new Date(r.created_at).toISOString(),
  };
}
