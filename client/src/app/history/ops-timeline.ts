import type { HistoryEntry } from '../workflows/workflow.models';
import type { BacklogSeries, RunStatsPoint, StatsBucket, WorkflowStatsTimeline } from '../../../../contracts/workflows';

export type { WorkflowStatsTimeline, RunStatsPoint, BacklogSeries, StatsBucket };

/** Outbox waits at or above this are "behind" (the stats card's red level). */
export const BACKLOG_BEHIND_SECONDS = 60;

/**
 * The timeline with one live run added to its bucket (and to the failing rules when it failed), or null when the
 * run falls after the window (a new hour began: the caller re-reads the timeline).
 */
export function withLiveRun(timeline: WorkflowStatsTimeline, run: HistoryEntry): WorkflowStatsTimeline | null {
  const at = Date.parse(run.createdAt);
  if (!Number.isFinite(at) || at >= Date.parse(timeline.to)) return null;
  const index = bucketIndex(timeline, at);
  if (index < 0) return timeline;
  const skipped = !!run.skippedReason;
  const failed = !skipped && !run.success;
  const runs = timeline.runs.map((p, i) => (i === index
    ? { ...p, runs: p.runs + (skipped ? 0 : 1), failures: p.failures + (failed ? 1 : 0), skipped: p.skipped + (skipped ? 1 : 0) }
    : p));
  let topFailingRules = timeline.topFailingRules;
  if (!skipped) {
    const hour = new Date(Math.floor(at / 3_600_000) * 3_600_000).toISOString();
    const known = topFailingRules.some((r) => r.ruleId === run.ruleId);
    if (known) {
      topFailingRules = topFailingRules.map((r) => (r.ruleId === run.ruleId
        ? { ...r, runs: r.runs + 1, failures: r.failures + (failed ? 1 : 0), lastFailureAt: failed ? hour : r.lastFailureAt }
        : r));
    } else if (failed && run.ruleId) {
      topFailingRules = [...topFailingRules, { ruleId: run.ruleId, ruleName: run.ruleName ?? 'rule', failures: 1, runs: 1, lastFailureAt: hour }];
    }
    topFailingRules = [...topFailingRules].sort((a, b) => b.failures - a.failures).slice(0, 10);
  }
  return { ...timeline, runs, topFailingRules };
}

function bucketIndex(timeline: WorkflowStatsTimeline, at: number): number {
  for (let i = timeline.runs.length - 1; i >= 0; i--) {
    if (Date.parse(timeline.runs[i].bucketStart) <= at) return i;
  }
  return -1;
}

export interface Health {
  state: 'healthy' | 'failing' | 'behind';
  /** One sentence for the headline. */
  summary: string;
  /** Start of the current streak of buckets with failures (or of the backlog being behind); null when healthy. */
  since: string | null;
  /** Start of the latest bucket with a failure in the window. */
  lastFailureAt: string | null;
}

/**
 * "Is automation healthy right now, and since when not?": failing while the current or the previous bucket has
 * failures (the current one may have just begun), since the first bucket of that unbroken run of failing buckets;
 * behind while the outbox's oldest event waited a minute or more in the latest sample.
 */
export function healthOf(timeline: WorkflowStatsTimeline, formatTime: (iso: string) => string): Health {
  const points = timeline.runs;
  const lastFailure = [...points].reverse().find((p) => p.failures > 0) ?? null;
  let end = points.length - 1;
  if (end >= 0 && points[end].failures === 0) end--;
  if (end >= 0 && points[end].failures > 0) {
    let start = end;
    while (start > 0 && points[start - 1].failures > 0) start--;
    const failures = points.slice(start, end + 1).reduce((n, p) => n + p.failures, 0);
    const since = points[start].bucketStart;
    const edge = start === 0 ? 'at least since' : 'since';
    return {
      state: 'failing', since, lastFailureAt: lastFailure?.bucketStart ?? null,
      summary: `Rules are failing ${edge} ${formatTime(since)}: ${failures} failed run${failures === 1 ? '' : 's'} since then.`,
    };
  }
  const outbox = timeline.backlogs.find((s) => s.queue === 'outbox');
  const behindSince = streakStart(outbox, (p) => p.oldestAgeSeconds >= BACKLOG_BEHIND_SECONDS);
  if (behindSince) {
    return {
      state: 'behind', since: behindSince, lastFailureAt: lastFailure?.bucketStart ?? null,
      summary: `Automation is behind since ${formatTime(behindSince)}: events wait a minute or more before the rules run.`,
    };
  }
  return {
    state: 'healthy', since: null, lastFailureAt: lastFailure?.bucketStart ?? null,
    summary: lastFailure
      ? `Healthy: no failed runs since ${formatTime(points[points.indexOf(lastFailure) + 1]?.bucketStart ?? lastFailure.bucketStart)}.`
      : 'Healthy: no failed runs in this window.',
  };
}

/** Start of the trailing run of points that satisfy `bad`, when the latest point does. */
function streakStart(series: BacklogSeries | undefined, bad: (p: BacklogSeries['points'][number]) => boolean): string | null {
  const points = series?.points ?? [];
  if (!points.length || !bad(points[points.length - 1])) return null;
  let start = points.length - 1;
  while (start > 0 && bad(points[start - 1])) start--;
  return points[start].bucketStart;
}

/** The smallest "round" number (1, 2, 5 × 10ⁿ) at or above `value`, for an axis' top. */
export function niceCeil(value: number): number {
  if (!(value > 0)) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) if (step * magnitude >= value) return step * magnitude;
  return 10 * magnitude;
}
