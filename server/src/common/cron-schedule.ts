import { Cron } from 'croner';
import cronstrue from 'cronstrue';

/**
 * The one place that reads cron expressions: validation, next runs, descriptions and the scheduler's
 * timers all go through croner (and cronstrue for words), so what the console previews is what fires.
 * Expressions are standard 5-field cron, or 6 fields with seconds first; no aliases (@daily …).
 */

export const DEFAULT_TIME_ZONE = 'UTC';

/** Why `expr` is not a cron expression we accept, or undefined when it is one. */
export function cronProblem(expr: unknown): string | undefined {
  if (typeof expr !== 'string' || !expr.trim()) return 'must be a cron expression';
  const fields = expr.trim().split(/\s+/);
  if (fields.length !== 5 && fields.length !== 6) return `must have 5 fields (or 6 with seconds first), got ${fields.length}`;
  try {
    const probe = new Cron(fields.join(' '), { paused: true, mode: '5-or-6-parts' });
    // A pattern that parses but never occurs (31 February) would leave a rule that silently never runs.
    if (!probe.nextRun()) return `invalid cron expression "${expr}": it never occurs`;
    return undefined;
  } catch (error) {
    return `invalid cron expression "${expr}": ${(error as Error).message.replace(/^CronPattern: /, '')}`;
  }
}

/** Why `zone` is not an IANA time zone name, or undefined when it is one. */
export function timeZoneProblem(zone: unknown): string | undefined {
  if (typeof zone !== 'string' || !zone.trim()) return 'must be an IANA time zone name such as Europe/Berlin';
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return undefined;
  } catch {
    return `unknown time zone "${zone}" (an IANA name such as Europe/Berlin or UTC)`;
  }
}

function pattern(expr: string, timeZone: string, onTick?: () => void): Cron {
  const options = { timezone: timeZone, mode: '5-or-6-parts' as const, paused: !onTick, catch: true, unref: true };
  return onTick ? new Cron(expr, options, onTick) : new Cron(expr, options);
}

/** The next `count` firings strictly after `from`, in the zone's wall-clock time (as UTC instants). */
export function nextRuns(expr: string, timeZone: string, count: number, from: Date = new Date()): Date[] {
  return pattern(expr, timeZone).nextRuns(count, from);
}

/** The first firing strictly after `from`, or null when there is none. */
export function nextRun(expr: string, timeZone: string, from: Date): Date | null {
  return pattern(expr, timeZone).nextRun(from);
}

/** The schedule in plain English ("At 08:00, Monday through Friday"); times are the rule's zone's. */
export function describeCron(expr: string): string {
  return cronstrue.toString(expr, { use24HourTimeFormat: true, verbose: false });
}

/** A running timer that calls `onTick` at each firing; stop() ends it. */
export interface ScheduledJob { stop(): void }

export function scheduleCron(expr: string, timeZone: string, onTick: () => void): ScheduledJob {
  const job = pattern(expr, timeZone, onTick);
  return { stop: () => job.stop() };
}
