import { describe, expect, it } from '@jest/globals';
import { DEFAULT_PREFERENCES, isQuietNow, isValidTimeZone, shouldToast } from './quiet-hours';

describe('notification preferences: quiet hours and toast rules', () => {
  // 2026-01-15 22:30 UTC = 23:30 in Paris (CET, UTC+1) = 17:30 in New York (EST, UTC-5).
  const at = new Date('2026-01-15T22:30:00Z');

  it('judges quiet hours in the user\'s own time zone, including windows across midnight', () => {
    expect(isQuietNow({ start: '22:00', end: '07:00', timeZone: 'Europe/Paris' }, at)).toBe(true);
    expect(isQuietNow({ start: '22:00', end: '07:00', timeZone: 'America/New_York' }, at)).toBe(false);
    expect(isQuietNow({ start: '17:00', end: '18:00', timeZone: 'America/New_York' }, at)).toBe(true);
    expect(isQuietNow({ start: '23:30', end: '23:31', timeZone: 'Europe/Paris' }, at)).toBe(true);
    expect(isQuietNow({ start: '23:31', end: '23:30', timeZone: 'Europe/Paris' }, at)).toBe(false);
    expect(isQuietNow({ start: '08:00', end: '08:00', timeZone: 'UTC' }, at)).toBe(false);
    expect(isQuietNow(null, at)).toBe(false);
  });

  it('does not toast below the minimum priority, for muted rules or in quiet hours', () => {
    const rule = '11111111-1111-4111-8111-111111111111';
    expect(shouldToast(DEFAULT_PREFERENCES, 'LOW', null, at)).toBe(true);
    expect(shouldToast({ ...DEFAULT_PREFERENCES, minToastPriority: 'HIGH' }, 'NORMAL', null, at)).toBe(false);
    expect(shouldToast({ ...DEFAULT_PREFERENCES, minToastPriority: 'HIGH' }, 'URGENT', null, at)).toBe(true);
    expect(shouldToast({ ...DEFAULT_PREFERENCES, mutedRuleIds: [rule] }, 'URGENT', rule, at)).toBe(false);
    expect(shouldToast({ ...DEFAULT_PREFERENCES, mutedRuleIds: [rule] }, 'URGENT', null, at)).toBe(true);
    expect(shouldToast({ ...DEFAULT_PREFERENCES, quietHours: { start: '22:00', end: '07:00', timeZone: 'Europe/Paris' } }, 'URGENT', null, at)).toBe(false);
  });

  it('knows real time zones from made-up ones', () => {
    expect(isValidTimeZone('Europe/Paris')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus')).toBe(false);
  });
});
