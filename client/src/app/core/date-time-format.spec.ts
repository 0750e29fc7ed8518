import { describe, expect, it } from 'vitest';
import { endOfDayInZone, formatDateTime, isKnownTimeZone, startOfDayInZone } from './date-time-format';

const AT = '2026-03-30T13:05:09.000Z';

describe('formatDateTime', () => {
  it('shows a 24-hour clock in the chosen zone', () => {
    expect(formatDateTime(AT, 'medium', { timeZone: 'Europe/Berlin', timeFormat: '24h' })).toBe('30 Mar 2026, 15:05:09');
    expect(formatDateTime(AT, 'short', { timeZone: 'UTC', timeFormat: '24h' })).toBe('30 Mar 2026, 13:05');
    expect(formatDateTime(AT, 'time', { timeZone: 'Asia/Tokyo', timeFormat: '24h' })).toBe('22:05:09');
  });

  it('shows a 12-hour clock with am/pm when asked', () => {
    expect(formatDateTime(AT, 'medium', { timeZone: 'America/New_York', timeFormat: '12h' })).toMatch(/^30 Mar 2026, 9:05:09\s?am$/i);
    expect(formatDateTime(AT, 'short', { timeZone: 'UTC', timeFormat: '12h' })).toMatch(/^30 Mar 2026, 1:05\s?pm$/i);
  });

  it('midnight is 00 on a 24-hour clock and 12 am on a 12-hour one', () => {
    expect(formatDateTime('2026-01-01T00:30:00Z', 'time', { timeZone: 'UTC', timeFormat: '24h' })).toBe('00:30:00');
    expect(formatDateTime('2026-01-01T00:30:00Z', 'time', { timeZone: 'UTC', timeFormat: '12h' })).toMatch(/^12:30:00\s?am$/i);
  });

  it('the same instant moves with the zone, across a date line too', () => {
    expect(formatDateTime(AT, 'date', { timeZone: 'UTC', timeFormat: '24h' })).toBe('30 Mar 2026');
    expect(formatDateTime('2026-03-30T23:30:00Z', 'date', { timeZone: 'Asia/Tokyo', timeFormat: '24h' })).toBe('31 Mar 2026');
    expect(formatDateTime('2026-03-30T01:30:00Z', 'date', { timeZone: 'America/Los_Angeles', timeFormat: '24h' })).toBe('29 Mar 2026');
  });

  it('full names the weekday and the zone', () => {
    const text = formatDateTime(AT, 'full', { timeZone: 'Europe/Paris', timeFormat: '24h' });
    expect(text).toContain('Monday');
    expect(text).toContain('15:05:09');
    expect(text).toMatch(/CEST|GMT\+2/);
  });

  it('accepts Dates and epoch milliseconds; gives "" for nothing or nonsense', () => {
    const opts = { timeZone: 'UTC', timeFormat: '24h' } as const;
    expect(formatDateTime(new Date(AT), 'time', opts)).toBe('13:05:09');
    expect(formatDateTime(Date.parse(AT), 'time', opts)).toBe('13:05:09');
    expect(formatDateTime(null, 'time', opts)).toBe('');
    expect(formatDateTime(undefined, 'time', opts)).toBe('');
    expect(formatDateTime('', 'time', opts)).toBe('');
    expect(formatDateTime('not a date', 'time', opts)).toBe('');
  });

  it('an unknown zone falls back to UTC instead of throwing', () => {
    expect(isKnownTimeZone('Mars/Olympus_Mons')).toBe(false);
    expect(isKnownTimeZone('Europe/Berlin')).toBe(true);
    expect(formatDateTime(AT, 'time', { timeZone: 'Mars/Olympus_Mons', timeFormat: '24h' })).toBe('13:05:09');
  });

  it('the locale orders the date\'s parts; the clock still follows the setting', () => {
    expect(formatDateTime(AT, 'medium', { timeZone: 'UTC', timeFormat: '24h', locale: 'en-US' })).toBe('Mar 30, 2026, 13:05:09');
    expect(formatDateTime(AT, 'medium', { timeZone: 'UTC', timeFormat: '12h', locale: 'de-DE' })).toMatch(/^30\. März 2026.*1:05:09\s?PM$/i);
  });
});

describe('startOfDayInZone / endOfDayInZone', () => {
  it('a day filter means the day where the user reads times', () => {
    expect(startOfDayInZone(2026, 2, 30, 'UTC')).toBe('2026-03-30T00:00:00.000Z');
    expect(startOfDayInZone(2026, 2, 30, 'Europe/Berlin')).toBe('2026-03-29T22:00:00.000Z');
    expect(endOfDayInZone(2026, 2, 30, 'Europe/Berlin')).toBe('2026-03-30T21:59:59.999Z');
    expect(startOfDayInZone(2026, 11, 2, 'America/New_York')).toBe('2026-12-02T05:00:00.000Z');
    expect(startOfDayInZone(2026, 11, 2, 'Asia/Kolkata')).toBe('2026-12-01T18:30:00.000Z');
  });

  it('the day of a DST change is 23 or 25 hours long', () => {
    // Berlin skips 02:00→03:00 on 29 March 2026 and repeats 02:00–03:00 on 25 October 2026.
    const hours = (d: number, m: number) =>
      (Date.parse(endOfDayInZone(2026, m, d, 'Europe/Berlin')) + 1 - Date.parse(startOfDayInZone(2026, m, d, 'Europe/Berlin'))) / 3_600_000;
    expect(hours(29, 2)).toBe(23);
    expect(hours(25, 9)).toBe(25);
    expect(endOfDayInZone(2026, 11, 31, 'UTC')).toBe('2026-12-31T23:59:59.999Z');
  });
});
