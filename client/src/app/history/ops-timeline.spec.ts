import { timeTicks } from './charts/backlog-chart';
import type { HistoryEntry } from '../workflows/workflow.models';
import { WorkflowStatsTimeline, healthOf, niceCeil, withLiveRun } from './ops-timeline';

const H = 3_600_000;
const start = Date.parse('2026-12-02T00:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();

function timeline(failures: number[], outboxAges: number[] = []): WorkflowStatsTimeline {
  return {
    range: '24h', bucket: 'hour', from: iso(start), to: iso(start + failures.length * H),
    runs: failures.map((f, i) => ({ bucketStart: iso(start + i * H), runs: 10 + f, failures: f, skipped: 0, avgDurationMs: 5 })),
    topFailingRules: [{ ruleId: 'r1', ruleName: 'One', failures: 3, runs: 9, lastFailureAt: iso(start) }],
    backlogIntervalSeconds: 300,
    backlogs: [{ queue: 'outbox', points: outboxAges.map((a, i) => ({ bucketStart: iso(start + i * 300_000), pending: a ? 5 : 0, oldestAgeSeconds: a })) }],
  };
}

function run(at: number, extra: Partial<HistoryEntry> = {}): HistoryEntry {
  return {
    id: 'h', ruleId: 'r2', ruleName: 'Two', caseId: 'c', caseNumber: 'FIN-1', eventId: 'e', eventName: 'case.created', triggerData: {},
    actionsExecuted: [], success: true, errorMessage: null, skippedReason: null, depth: 0, durationMs: 1, createdAt: iso(at), ...extra,
  };
}

const fmt = (s: string) => s.slice(11, 16);

describe('ops dashboard timeline logic', () => {
  it('adds a live run to its bucket: a success, a failure (new among the failing rules) and a skip', () => {
    let t = timeline([0, 0, 0]);
    t = withLiveRun(t, run(start + 2 * H + 60_000))!;
    t = withLiveRun(t, run(start + 2 * H + 120_000, { success: false }))!;
    t = withLiveRun(t, run(start + H + 1, { skippedReason: 'COOLDOWN' }))!;
    expect(t.runs.map((p) => [p.runs, p.failures, p.skipped])).toEqual([[10, 0, 0], [10, 0, 1], [12, 1, 0]]);
    expect(t.topFailingRules.map((r) => [r.ruleId, r.failures, r.runs])).toEqual([['r1', 3, 9], ['r2', 1, 1]]);
    expect(t.topFailingRules[1].lastFailureAt).toBe(iso(start + 2 * H));
  });

  it('asks for a re-read when a run falls after the window (a new hour began)', () => {
    expect(withLiveRun(timeline([0, 0]), run(start + 2 * H))).toBeNull();
  });

  it('says since when rules fail: the unbroken run of failing buckets ending now or an hour ago', () => {
    expect(healthOf(timeline([1, 0, 2, 3, 0]), fmt)).toMatchObject({ state: 'failing', since: iso(start + 2 * H) });
    expect(healthOf(timeline([1, 0, 2, 3, 0]), fmt).summary).toBe('Rules are failing since 02:00: 5 failed runs since then.');
    expect(healthOf(timeline([1, 1, 1]), fmt).summary).toMatch(/^Rules are failing at least since 00:00/);
    const healthy = healthOf(timeline([2, 0, 0, 0]), fmt);
    expect(healthy).toMatchObject({ state: 'healthy', since: null, lastFailureAt: iso(start) });
    expect(healthy.summary).toBe('Healthy: no failed runs since 01:00.');
    expect(healthOf(timeline([0, 0]), fmt).summary).toBe('Healthy: no failed runs in this window.');
  });

  it('says since when the engine is behind when the latest outbox samples waited a minute or more', () => {
    expect(healthOf(timeline([0, 0], [0, 90, 61, 120]), fmt)).toMatchObject({ state: 'behind', since: iso(start + 300_000) });
    expect(healthOf(timeline([0, 0], [0, 90, 5]), fmt).state).toBe('healthy');
  });

  it('rounds an axis top up to 1, 2 or 5 times a power of ten', () => {
    expect([0, 0.3, 1, 3, 7, 12, 250, 1001].map(niceCeil)).toEqual([1, 0.5, 1, 5, 10, 20, 500, 2000]);
  });
});

describe('backlog chart ticks', () => {
  it('puts ticks on whole hours a fitting step apart, or on whole days over a week', () => {
    const from = new Date(2026, 11, 1, 6, 30).getTime();
    const hours = timeTicks(from, from + 24 * 3_600_000, 8);
    expect(hours.length).toBeLessThanOrEqual(8);
    expect(hours.every((t) => new Date(t).getMinutes() === 0 && new Date(t).getHours() % 3 === 0)).toBe(true);
    const days = timeTicks(from, from + 7 * 24 * 3_600_000, 10);
    expect(days).toHaveLength(7);
    expect(days.every((t) => new Date(t).getHours() === 0)).toBe(true);
    expect(new Set(days.map((t) => new Date(t).getDate())).size).toBe(7);
  });
});
