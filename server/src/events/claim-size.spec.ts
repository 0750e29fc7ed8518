import { describe, expect, it } from '@jest/globals';
import { BATCH_SIZE, MIN_CLAIM, nextClaimLimit } from './claim-size';

describe('the size of the next outbox claim', () => {
  it('shrinks to about twice what a batch stopped by its deadline got through, never below the minimum', () => {
    expect(nextClaimLimit(BATCH_SIZE, { claimed: 50, done: 7, stoppedAtDeadline: true })).toBe(14);
    expect(nextClaimLimit(BATCH_SIZE, { claimed: 50, done: 1, stoppedAtDeadline: true })).toBe(MIN_CLAIM);
    expect(nextClaimLimit(8, { claimed: 8, done: 40, stoppedAtDeadline: true })).toBe(BATCH_SIZE);
  });

  it('grows back while batches get through all they claimed, up to the batch size', () => {
    let limit = MIN_CLAIM;
    const seen: number[] = [];
    for (let i = 0; i < 6; i++) seen.push((limit = nextClaimLimit(limit, { claimed: limit, done: limit, stoppedAtDeadline: false })));
    expect(seen).toEqual([8, 16, 32, BATCH_SIZE, BATCH_SIZE, BATCH_SIZE]);
  });

  it('stays put when there was less to claim than it asked for (the outbox ran short, not the time)', () => {
    expect(nextClaimLimit(16, { claimed: 3, done: 3, stoppedAtDeadline: false })).toBe(16);
  });
});
