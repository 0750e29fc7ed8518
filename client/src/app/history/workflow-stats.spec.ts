import { Subject } from 'rxjs';
import { failuresLevel, formatLag, lagLevel, statsRefreshTicks } from './workflow-stats';

describe('workflow stats card logic', () => {
  it('formats the outbox lag', () => {
    expect(formatLag(0)).toBe('0 s');
    expect(formatLag(-1)).toBe('0 s');
    expect(formatLag(Number.NaN)).toBe('0 s');
    expect(formatLag(0.04)).toBe('0 s');
    expect(formatLag(0.42)).toBe('0.4 s');
    expect(formatLag(9.96)).toBe('10 s');
    expect(formatLag(12.4)).toBe('12 s');
    expect(formatLag(60)).toBe('1 min');
    expect(formatLag(125)).toBe('2 min 5 s');
    expect(formatLag(3600)).toBe('1 h');
    expect(formatLag(3780)).toBe('1 h 3 min');
  });

  it('grades the lag and the failures', () => {
    expect(lagLevel(0)).toBe('ok');
    expect(lagLevel(9.9)).toBe('ok');
    expect(lagLevel(10)).toBe('warn');
    expect(lagLevel(59)).toBe('warn');
    expect(lagLevel(60)).toBe('bad');
    expect(failuresLevel(0)).toBe('ok');
    expect(failuresLevel(1)).toBe('bad');
  });

  describe('refresh ticks', () => {
    beforeEach(() => vi.useFakeTimers());
    afterEach(() => vi.useRealTimers());

    it('ticks at once and then every interval', () => {
      let ticks = 0;
      const sub = statsRefreshTicks(new Subject<void>(), 10_000, 1_000).subscribe(() => ticks++);
      expect(ticks).toBe(1);
      vi.advanceTimersByTime(9_999);
      expect(ticks).toBe(1);
      vi.advanceTimersByTime(1);
      expect(ticks).toBe(2);
      vi.advanceTimersByTime(20_000);
      expect(ticks).toBe(4);
      sub.unsubscribe();
    });

    it('ticks on a live row, and once more at the end of a burst of them', () => {
      const live = new Subject<void>();
      let ticks = 0;
      const sub = statsRefreshTicks(live, 10_000, 1_000).subscribe(() => ticks++);
      expect(ticks).toBe(1); // the initial read
      live.next();
      expect(ticks).toBe(2); // leading edge: at once
      for (let i = 0; i < 20; i++) live.next(); // a burst within the window
      expect(ticks).toBe(2);
      vi.advanceTimersByTime(1_000);
      expect(ticks).toBe(3); // trailing edge: the burst's last run counted
      vi.advanceTimersByTime(5_000);
      expect(ticks).toBe(3); // quiet until the interval
      sub.unsubscribe();
    });
  });
});
