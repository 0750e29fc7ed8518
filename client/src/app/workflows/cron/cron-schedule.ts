/**
 * A small cron reader for the rule editor's preview: standard 5-field crons
 * (minute hour day-of-month month day-of-week) or 6 fields with seconds first.
 * Supports `*`, numbers, ranges (`1-5`), steps (`*\/15`, `0-30/10`, `5/20`), lists (`1,15,30`),
 * month and weekday names (JAN, MON) and `?` as `*` in the day fields. Times are computed in local time.
 * Like the server's `cron` package, when both day fields are restricted a day matching either one runs.
 */

export class CronError extends Error {}

interface FieldSpec {
  name: string;
  min: number;
  max: number;
  names?: readonly string[];
}

const SECOND: FieldSpec = { name: 'second', min: 0, max: 59 };
const MINUTE: FieldSpec = { name: 'minute', min: 0, max: 59 };
const HOUR: FieldSpec = { name: 'hour', min: 0, max: 23 };
const DAY_OF_MONTH: FieldSpec = { name: 'day of month', min: 1, max: 31 };
const MONTH: FieldSpec = {
  name: 'month',
  min: 1,
  max: 12,
  names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'],
};
const DAY_OF_WEEK: FieldSpec = {
  name: 'day of week',
  min: 0,
  max: 7,
  names: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'],
};

export interface CronSchedule {
  seconds: boolean[];
  minutes: boolean[];
  hours: boolean[];
  daysOfMonth: boolean[];
  months: boolean[];
  daysOfWeek: boolean[];
  hasSeconds: boolean;
}

export function parseCron(expression: string): CronSchedule {
  const parts = (expression ?? '').trim().split(/\s+/).filter(Boolean);
  if (parts.length !== 5 && parts.length !== 6) {
    throw new CronError(`A cron needs 5 fields (or 6 with seconds first); this one has ${parts.length}.`);
  }
  const hasSeconds = parts.length === 6;
  const [sec, min, hour, dom, month, dow] = hasSeconds ? parts : ['0', ...parts];
  const daysOfWeek = parseField(dow, DAY_OF_WEEK);
  if (daysOfWeek[7]) daysOfWeek[0] = true; // 7 is Sunday too
  daysOfWeek.length = 7;
  return {
    seconds: parseField(sec, SECOND),
    minutes: parseField(min, MINUTE),
    hours: parseField(hour, HOUR),
    daysOfMonth: parseField(dom, DAY_OF_MONTH),
    months: parseField(month, MONTH),
    daysOfWeek,
    hasSeconds,
  };
}

function parseField(text: string, spec: FieldSpec): boolean[] {
  const allowed = new Array<boolean>(spec.max + 1).fill(false);
  for (const item of text.split(',')) {
    if (!item) throw new CronError(`Empty list item in the ${spec.name} field.`);
    const [rangeText, stepText, extra] = item.split('/');
    if (extra !== undefined) throw new CronError(`"${item}" has more than one "/" (${spec.name}).`);
    const step = stepText === undefined ? 1 : parseNumber(stepText, spec, true);
    if (step < 1) throw new CronError(`The step in "${item}" must be at least 1 (${spec.name}).`);

    let start: number;
    let end: number;
    if (rangeText === '*' || rangeText === '?') {
      start = spec.min;
      end = spec.max;
    } else if (rangeText.includes('-')) {
      const [a, b] = rangeText.split('-');
      start = parseValue(a, spec);
      end = parseValue(b, spec);
      if (start > end) throw new CronError(`The range "${rangeText}" runs backwards (${spec.name}).`);
    } else {
      start = parseValue(rangeText, spec);
      end = stepText === undefined ? start : spec.max;
    }
    for (let v = start; v <= end; v += step) allowed[v] = true;
  }
  return allowed;
}

function parseValue(text: string | undefined, spec: FieldSpec): number {
  const upper = (text ?? '').toUpperCase();
  const nameIndex = spec.names?.indexOf(upper) ?? -1;
  if (nameIndex >= 0) return nameIndex + (spec.name === 'month' ? 1 : 0);
  const value = parseNumber(text ?? '', spec, false);
  if (value < spec.min || value > spec.max) {
    throw new CronError(`${value} is out of range for the ${spec.name} field (${spec.min}–${spec.max}).`);
  }
  return value;
}

function parseNumber(text: string, spec: FieldSpec, isStep: boolean): number {
  if (!/^\d+$/.test(text)) {
    throw new CronError(`"${text}" is not a ${isStep ? 'step' : 'value'} the ${spec.name} field understands.`);
  }
  return Number(text);
}

function isFull(values: boolean[], from: number, to: number): boolean {
  for (let i = from; i <= to; i++) if (!values[i]) return false;
  return true;
}

function dayMatches(schedule: CronSchedule, date: Date): boolean {
  const domAll = isFull(schedule.daysOfMonth, 1, 31);
  const dowAll = isFull(schedule.daysOfWeek, 0, 6);
  const domHit = schedule.daysOfMonth[date.getDate()];
  const dowHit = schedule.daysOfWeek[date.getDay()];
  if (!domAll && !dowAll) return domHit || dowHit;
  return domHit && dowHit;
}

/** The next `count` run times strictly after `from`. Throws CronError for an invalid expression. */
export function nextCronTimes(expression: string, count = 5, from: Date = new Date()): Date[] {
  const schedule = parseCron(expression);
  const results: Date[] = [];
  const t = new Date(from.getTime());
  t.setMilliseconds(0);
  if (schedule.hasSeconds) {
    t.setSeconds(t.getSeconds() + 1);
  } else {
    t.setSeconds(0);
    t.setMinutes(t.getMinutes() + 1);
  }
  const giveUpYear = from.getFullYear() + 8;

  while (results.length < count) {
    if (t.getFullYear() > giveUpYear) {
      if (results.length === 0) throw new CronError('This schedule never runs (no date matches it).');
      break;
    }
    if (!schedule.months[t.getMonth() + 1]) {
      t.setMonth(t.getMonth() + 1, 1);
      t.setHours(0, 0, 0, 0);
      continue;
    }
    if (!dayMatches(schedule, t)) {
      t.setDate(t.getDate() + 1);
      t.setHours(0, 0, 0, 0);
      continue;
    }
    if (!schedule.hours[t.getHours()]) {
      t.setHours(t.getHours() + 1, 0, 0, 0);
      continue;
    }
    if (!schedule.minutes[t.getMinutes()]) {
      t.setMinutes(t.getMinutes() + 1, 0, 0);
      continue;
    }
    if (!schedule.seconds[t.getSeconds()]) {
      t.setSeconds(t.getSeconds() + 1, 0);
      continue;
    }
    results.push(new Date(t.getTime()));
    t.setSeconds(t.getSeconds() + (schedule.hasSeconds ? 1 : 60), 0);
  }
  return results;
}

/** Null when the expression is fine, else why not. */
export function cronProblem(expression: string): string | null {
  try {
    nextCronTimes(expression, 1);
    return null;
  } catch (err) {
    return err instanceof Error ? err.message : 'Invalid cron expression.';
  }
}
