import type { TimeFormat } from '../../../../contracts/enums';

/**
 * How a time is shown:
 * - `short`: date and time to the minute ("2 Dec 2026, 14:05", or "2 Dec 2026, 2:05 pm" on a 12-hour clock)
 * - `medium`: date and time to the second ("2 Dec 2026, 14:05:09")
 * - `full`: weekday, long date, time and the zone's name, for tooltips
 * - `time`: time of day to the second
 * - `date`: date only ("2 Dec 2026")
 */
export type DateTimeStyle = 'short' | 'medium' | 'full' | 'time' | 'date';

export interface DateTimeOptions {
  /** IANA zone the time is shown in. */
  timeZone: string;
  timeFormat: TimeFormat;
  /** BCP 47 locale for the order and names of the date's parts; the clock follows `timeFormat` whatever it is. */
  locale?: string;
}

const STYLE_OPTIONS: Record<DateTimeStyle, Intl.DateTimeFormatOptions> = {
  short: { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' },
  medium: { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit' },
  full: { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit', timeZoneName: 'short' },
  time: { hour: '2-digit', minute: '2-digit', second: '2-digit' },
  date: { day: 'numeric', month: 'short', year: 'numeric' },
};

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Building an Intl.DateTimeFormat costs far more than using one: a list of 100 rows shares one per style. */
function formatter(style: DateTimeStyle, options: DateTimeOptions): Intl.DateTimeFormat {
  const locale = options.locale ?? 'en-GB';
  const key = `${style}|${options.timeZone}|${options.timeFormat}|${locale}`;
  let f = formatters.get(key);
  if (!f) {
    const withTime = style !== 'date';
    f = new Intl.DateTimeFormat(locale, {
      ...STYLE_OPTIONS[style], timeZone: options.timeZone,
      // A 12-hour clock reads "9:05 am", a 24-hour one "09:05".
      ...(withTime ? { hourCycle: options.timeFormat === '12h' ? 'h12' : 'h23', hour: options.timeFormat === '12h' ? 'numeric' : '2-digit' } : {}),
    });
    formatters.set(key, f);
  }
  return f;
}

/** Whether the browser knows this IANA zone. */
export function isKnownTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/**
 * The one way the console turns a time into text. `value`: an ISO string, epoch milliseconds or a Date;
 * null, undefined, '' and unparseable input give ''. An unknown zone falls back to UTC rather than throwing.
 */
export function formatDateTime(value: string | number | Date | null | undefined, style: DateTimeStyle, options: DateTimeOptions): string {
  if (value === null || value === undefined || value === '') return '';
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) return '';
  const safe = isKnownTimeZone(options.timeZone) ? options : { ...options, timeZone: 'UTC' };
  return formatter(style, safe).format(date);
}

/** How far `timeZone`'s wall clock is ahead of UTC at `instant`, in milliseconds. */
function zoneOffsetMs(instant: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
  }).formatToParts(new Date(instant));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const wall = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return wall - Math.floor(instant / 1000) * 1000;
}

/**
 * The instant a calendar day (month 0-based) begins in `timeZone`, as ISO: filters by day mean the user's day,
 * in the zone they read times in. Where a zone skips midnight (a DST change), the first moment of the day.
 */
export function startOfDayInZone(year: number, month: number, day: number, timeZone: string): string {
  const zone = isKnownTimeZone(timeZone) ? timeZone : 'UTC';
  const wallMidnight = Date.UTC(year, month, day);
  let instant = wallMidnight - zoneOffsetMs(wallMidnight, zone);
  instant = wallMidnight - zoneOffsetMs(instant, zone);
  return new Date(instant).toISOString();
}

/** The last millisecond of a calendar day (month 0-based) in `timeZone`, as ISO. */
export function endOfDayInZone(year: number, month: number, day: number, timeZone: string): string {
  const next = new Date(Date.UTC(year, month, day + 1));
  return new Date(Date.parse(startOfDayInZone(next.getUTCFullYear(), next.getUTCMonth(), next.getUTCDate(), timeZone)) - 1).toISOString();
}
