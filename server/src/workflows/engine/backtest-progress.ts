import type { BacktestProgress } from '../../../../contracts/workflows';

/** In-process event: a backtest's progress, for the realtime feed to push to the user who asked (never after a commit: nothing commits). */
export const BACKTEST_PROGRESS = 'workflow.backtest_progress';

export interface BacktestProgressEvent {
  userId: string;
  progress: BacktestProgress;
}
