import type { CaseSnapshot } from '../events/event-map';
import type { HistoryView } from '../workflows/history/history.types';

/**
 * In-process events published after their transaction committed, for live pushes that no domain event
 * carries. (Domain events themselves arrive through the EventBus, also after commit.)
 */
export const WORKFLOW_RUN_RECORDED = 'workflow.run_recorded';

export interface WorkflowRunRecorded {
  history: HistoryView;
  /** The case as the run left it, when the run wrote a timeline entry: no case event announces that. */
  timelineWrittenOn: CaseSnapshot | null;
}
