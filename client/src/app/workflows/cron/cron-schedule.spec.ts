import { CronError, cronProblem, nextCronTimes, parseCron } from './cron-schedule';

/** Local wall-clock time, as the preview shows it. */
function local(y: number, mo: number, d: number, h = 0, mi = 0, s = 0): Date {
  return new Date(y, mo - 1, d, h, mi, s);
}

describe('nextCronTimes', () => {
  const from = local(2025, 3, 10, 10, 7, 30); // Monday 10 March 2025, 10:07:30

  it('every 15 minutes', () => {
    expect(nextCronTimes('*/15 * * * *', 5, from)).toEqual([
      local(2025, 3, 10, 10, 15),
      local(2025, 3, 10, 10, 30),
      local(2025, 3, 10, 10, 45),
      local(2025, 3, 10, 11, 0),
      local(2025, 3, 10, 11, 15),
    ]);
  });

  it('weekdays at 09:00 (range in day of week)', () => {
    expect(nextCronTimes('0 9 * * 1-5', 5, from)).toEqual([
      local(2025, 3, 11, 9),
      local(2025, 3, 12, 9),
      local(2025, 3, 13, 9),
      local(2025, 3, 14, 9),
      local(2025, 3, 17, 9),
    ]);
  });

  it('lists and names', () => {
    expect(nextCronTimes('30 8,17 * * MON,fri', 3, from)).toEqual([
      local(2025, 3, 10, 17, 30),
      local(2025, 3, 14, 8, 30),
      local(2025, 3, 14, 17, 30),
    ]);
  });

  it('stepped range and month restriction', () => {
    expect(nextCronTimes('0 0-12/6 1 JUN *', 4, from)).toEqual([
      local(2025, 6, 1, 0),
      local(2025, 6, 1, 6),
      local(2025, 6, 1, 12),
      local(2026, 6, 1, 0),
    ]);
  });

  it('six fields: seconds first', () => {
    expect(nextCronTimes('*/20 * * * * *', 4, from)).toEqual([
      local(2025, 3, 10, 10, 7, 40),
      local(2025, 3, 10, 10, 8, 0),
      local(2025, 3, 10, 10, 8, 20),
      local(2025, 3, 10, 10, 8, 40),
    ]);
  });

  it('runs strictly after the start time', () => {
    expect(nextCronTimes('8 10 * * *', 1, local(2025, 3, 10, 10, 8, 0))).toEqual([local(2025, 3, 11, 10, 8)]);
  });

  it('day of month OR day of week when both are restricted', () => {
    // the 13th, or any Sunday
    expect(nextCronTimes('0 12 13 * 0', 3, from)).toEqual([
      local(2025, 3, 13, 12),
      local(2025, 3, 16, 12),
      local(2025, 3, 23, 12),
    ]);
  });

  it('7 means Sunday', () => {
    expect(nextCronTimes('0 0 * * 7', 1, from)).toEqual([local(2025, 3, 16, 0)]);
  });

  it('start/step without a range', () => {
    expect(nextCronTimes('5/20 10 * * *', 3, from)).toEqual([
      local(2025, 3, 10, 10, 25),
      local(2025, 3, 10, 10, 45),
      local(2025, 3, 11, 10, 5),
    ]);
  });

  it('skips months that lack the day (31st)', () => {
    expect(nextCronTimes('0 0 31 * *', 2, from)).toEqual([local(2025, 3, 31), local(2025, 5, 31)]);
  });
});

describe('parseCron errors', () => {
  it.each([
    ['* * * *', /5 fields/],
    ['60 * * * *', /out of range/],
    ['* 24 * * *', /out of range/],
    ['* * 0 * *', /out of range/],
    ['5-1 * * * *', /backwards/],
    ['*/0 * * * *', /at least 1/],
    ['abc * * * *', /understands/],
    ['1,,2 * * * *', /Empty/],
  ])('rejects %s', (expression, message) => {
    expect(() => parseCron(expression)).toThrow(CronError);
    expect(cronProblem(expression)).toMatch(message);
  });

  it('reports a schedule that never runs', () => {
    expect(cronProblem('0 0 30 2 *')).toMatch(/never runs/);
  });

  it('accepts a valid expression', () => {
    expect(cronProblem('0 9 * * 1-5')).toBeNull();
  });
});
