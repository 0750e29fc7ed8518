import { Observable, asyncScheduler, interval, map, merge, of, throttleTime } from 'rxjs';
import { WorkflowStats } from '../workflows/workflow.models';

export type { WorkflowStats };

/** How often the card re-reads the stats on its own. */
export const STATS_REFRESH_MS = 10_000;
/** Live history rows re-read the stats at most this often (a burst of runs is one re-read). */
export const STATS_LIVE_THROTTLE_MS = 1_000;

/** Outbox lag at or above these many seconds is shown as a warning / as a problem. */
export const LAG_WARN_SECONDS = 10;
export const LAG_BAD_SECONDS = 60;

export type StatsLevel = 'ok' | 'warn' | 'bad';

/** "0 s", "0.4 s", "12 s", "2 min 5 s", "1 h 3 min": an age that reads at a glance. */
export function formatLag(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds <= 0) return '0 s';
  if (seconds < 10) return `${Math.round(seconds * 10) / 10} s`;
  const whole = Math.round(seconds);
  if (whole < 60) return `${whole} s`;
  if (whole < 3600) {
    const s = whole % 60;
    return `${Math.floor(whole / 60)} min${s ? ` ${s} s` : ''}`;
  }
  const m = Math.floor((whole % 3600) / 60);
  return `${Math.floor(whole / 3600)} h${m ? ` ${m} min` : ''}`;
}

export function lagLevel(seconds: number): StatsLevel {
  if (!Number.isFinite(seconds) || seconds < LAG_WARN_SECONDS) return 'ok';
  return seconds < LAG_BAD_SECONDS ? 'warn' : 'bad';
}

export function failuresLevel(failures: number): StatsLevel {
  return failures > 0 ? 'bad' : 'ok';
}

/**
 * When the card re-reads: at once, every `intervalMs`, and after live history rows (leading and
 * trailing edge of each `throttleMs` window, so the last run of a burst is counted too).
 */
export function statsRefreshTicks(
  liveRows: Observable<unknown>,
  intervalMs = STATS_REFRESH_MS,
  throttleMs = STATS_LIVE_THROTTLE_MS,
): Observable<void> {
  return merge(
    of(0),
    interval(intervalMs),
    liveRows.pipe(throttleTime(throttleMs, asyncScheduler, { leading: true, trailing: true })),
  ).pipe(map(() => undefined));
}
