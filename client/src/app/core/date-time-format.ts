import type { TimeFormat } from '../../../../contracts/enums';

/**
 * How a time is shown:
 * - `short`: date and time to the minute ("2 Dec 2026, 14:05")
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
      ...(withTime ? { hourCycle: options.timeFormat === '12h' ? 'h12' : 'h23' } : {}),
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
