import { describe, expect, it } from 'vitest';
import type { BacktestResult } from '../../../../../contracts/workflows';
import { actionRows, dayBars, headline, progressPct } from './backtest-summary';

const result = (extra: Partial<BacktestResult> = {}): BacktestResult => ({
  eventsScanned: 1000, eventsMatched: 12, casesAffected: 5, actionCounts: { ADD_TAG: 3, SEND_NOTIFICATION: 10 },
  notificationsByRecipient: [{ userId: 'u1', name: 'Ann', count: 8 }, { userId: 'u2', name: 'Bo', count: 2 }],
  perDay: [{ date: '2026-11-30', matched: 0 }, { date: '2026-12-01', matched: 10 }, { date: '2026-12-02', matched: 2 }],
  samples: [], notes: [], skipped: { cooldown: 1, maxDepth: 0, stoppedByOtherRules: 0 },
  from: '2026-11-30T10:00:00.000Z', to: '2026-12-02T10:00:00.000Z', durationMs: 40, ...extra,
});

describe('backtest summary', () => {
  it('scales the per-day bars to the busiest day, keeps small days visible and labels them by weekday', () => {
    expect(dayBars(result().perDay)).toEqual([
      { date: '2026-11-30', label: 'Mon 30', matched: 0, heightPct: 0 },
      { date: '2026-12-01', label: 'Tue 1', matched: 10, heightPct: 100 },
      { date: '2026-12-02', label: 'Wed 2', matched: 2, heightPct: 20 },
    ]);
    expect(dayBars([{ date: '2026-12-01', matched: 1 }, { date: '2026-12-02', matched: 1000 }])[0].heightPct).toBe(2);
    expect(dayBars([{ date: '2026-12-01', matched: 0 }])[0].heightPct).toBe(0);
  });

  it('lists actions largest first', () => {
    expect(actionRows(result().actionCounts)).toEqual([{ actionType: 'SEND_NOTIFICATION', count: 10 }, { actionType: 'ADD_TAG', count: 3 }]);
  });

  it('says what the rule would have done in a few lines', () => {
    expect(headline(result())).toEqual([
      'It would have fired on 12 of 1000 events, for 5 cases.',
      'Busiest day: 2026-12-01 with 10.',
      '10 notifications to 2 people.',
      '1 match would have been skipped (cooldown or depth limit).',
    ]);
    expect(headline(result({ eventsMatched: 0, casesAffected: 0, notificationsByRecipient: [], skipped: { cooldown: 0, maxDepth: 0, stoppedByOtherRules: 0 } })))
      .toEqual(['It would not have fired on any of the 1000 events recorded.']);
    expect(headline(result({ nextRuns: [{ at: '2026-12-03T07:00:00.000Z', casesMatchingNow: 4 }, { at: '2026-12-04T07:00:00.000Z', casesMatchingNow: 6 }] })))
      .toEqual(['Up to 6 cases would match at each of the next 2 ticks.']);
  });

  it('turns progress events into a percentage', () => {
    expect(progressPct(null)).toBe(0);
    expect(progressPct({ done: 250, total: 1000, finished: false })).toBe(25);
    expect(progressPct({ done: 0, total: 0, finished: false })).toBe(0);
    expect(progressPct({ done: 10, total: 1000, finished: true })).toBe(100);
  });
});
