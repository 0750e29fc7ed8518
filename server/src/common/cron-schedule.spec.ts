import { describe, expect, it } from '@jest/globals';
import { cronProblem, describeCron, nextRuns, timeZoneProblem } from './cron-schedule';
import { cronPreview } from '../workflows/cron-preview';

const iso = (dates: Date[]) => dates.map((d) => d.toISOString());

describe('cron schedules (croner + cronstrue, shared by the scheduler and cron-preview)', () => {
  it('fires at 08:00 Berlin wall-clock time across the March daylight-saving change: 07:00Z before, 06:00Z after', () => {
    // Summer time starts on Sunday 29 March 2026 at 02:00 local.
    expect(iso(nextRuns('0 8 * * *', 'Europe/Berlin', 4, new Date('2026-03-27T12:00:00Z')))).toEqual([
      '2026-03-28T07:00:00.000Z', '2026-03-29T06:00:00.000Z', '2026-03-30T06:00:00.000Z', '2026-03-31T06:00:00.000Z',
    ]);
  });

  it('and the reverse across the October change (summer time ends on Sunday 25 October 2026)', () => {
    expect(iso(nextRuns('0 8 * * *', 'Europe/Berlin', 3, new Date('2026-10-24T00:00:00Z')))).toEqual([
      '2026-10-24T06:00:00.000Z', '2026-10-25T07:00:00.000Z', '2026-10-26T07:00:00.000Z',
    ]);
  });

  it('reads 5 fields, or 6 with seconds first, and UTC by default in the preview', () => {
    expect(iso(nextRuns('*/20 * * * * *', 'UTC', 3, new Date('2026-01-01T00:00:05Z')))).toEqual([
      '2026-01-01T00:00:20.000Z', '2026-01-01T00:00:40.000Z', '2026-01-01T00:01:00.000Z',
    ]);
    const preview = cronPreview('0 9 * * 1-5', undefined, new Date('2026-06-05T10:00:00Z')); // a Friday
    expect(preview).toEqual({
      description: 'At 09:00, Monday through Friday', timeZone: 'UTC',
      next: ['2026-06-08T09:00:00.000Z', '2026-06-09T09:00:00.000Z', '2026-06-10T09:00:00.000Z', '2026-06-11T09:00:00.000Z', '2026-06-12T09:00:00.000Z'],
    });
    expect(cronPreview('30 7 * * *', 'Asia/Kolkata', new Date('2026-06-05T00:00:00Z')).next[0]).toBe('2026-06-05T02:00:00.000Z');
    expect(describeCron('*/10 * * * * *')).toBe('Every 10 seconds');
  });

  it('names what is wrong with a cron or a zone', () => {
    expect(cronProblem('0 8 * *')).toBe('must have 5 fields (or 6 with seconds first), got 4');
    expect(cronProblem('61 8 * * *')).toMatch(/invalid cron expression "61 8 \* \* \*".*minute/);
    expect(cronProblem('0 8 31 2 *')).toMatch(/never occurs/);
    expect(cronProblem('@daily')).toMatch(/must have 5 fields/);
    expect(cronProblem('0 0 8 * * * 2030')).toMatch(/must have 5 fields/);
    expect(timeZoneProblem('Europe/Berlin')).toBeUndefined();
    expect(timeZoneProblem('UTC')).toBeUndefined();
    expect(timeZoneProblem('Mars/Olympus')).toMatch(/unknown time zone "Mars\/Olympus"/);
    expect(() => cronPreview('0 8 * * *', 'Mars/Olympus')).toThrow();
  });
});
