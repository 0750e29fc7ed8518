/** The most events one batch claims. */
export const BATCH_SIZE = 50;
/** The fewest events a batch claims, however busy the process. */
export const MIN_CLAIM = 4;

/** How a batch went, as far as the size of the next claim is concerned. */
export interface BatchOutcome {
  /** Rows the batch claimed. */
  claimed: number;
  /** Events it got through before it stopped. */
  done: number;
  /** Whether it stopped at its deadline, releasing the rest of its claim. */
  stoppedAtDeadline: boolean;
}

/**
 * How many events the next batch claims. Every claimed row is locked (a tuple lock and its WAL record), and a batch
 * that stops at its deadline releases the rest unprocessed: when the process is busy a batch gets through a few
 * events in its time, so the next one claims about twice what this one did. A batch that got through a full claim
 * doubles it, up to BATCH_SIZE.
 */
export function nextClaimLimit(current: number, batch: BatchOutcome): number {
  if (batch.stoppedAtDeadline) return Math.max(MIN_CLAIM, Math.min(BATCH_SIZE, 2 * batch.done));
  if (batch.claimed >= current) return Math.min(BATCH_SIZE, 2 * current);
  return current;
}
