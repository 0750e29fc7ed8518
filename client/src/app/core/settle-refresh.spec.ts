import { Subject } from 'rxjs';
import { settleRefresh } from './settle-refresh';

describe('settleRefresh', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('emits at once and after each delay', () => {
    const trigger = new Subject<void>();
    const at: number[] = [];
    const start = Date.now();
    const sub = settleRefresh(trigger, [1000, 3000]).subscribe(() => at.push(Date.now() - start));
    trigger.next();
    expect(at).toEqual([0]);
    vi.advanceTimersByTime(999);
    expect(at).toEqual([0]);
    vi.advanceTimersByTime(1);
    expect(at).toEqual([0, 1000]);
    vi.advanceTimersByTime(2000);
    expect(at).toEqual([0, 1000, 3000]);
    vi.advanceTimersByTime(10_000);
    expect(at).toHaveLength(3);
    sub.unsubscribe();
  });

  it('restarts the series on a new trigger instead of stacking them', () => {
    const trigger = new Subject<void>();
    let count = 0;
    const sub = settleRefresh(trigger, [1000, 3000]).subscribe(() => count++);
    trigger.next();
    vi.advanceTimersByTime(500);
    trigger.next(); // a second change half a second later
    expect(count).toBe(2);
    vi.advanceTimersByTime(10_000);
    expect(count).toBe(4); // 2 immediate + the 2 follow-ups of the latest trigger only
    sub.unsubscribe();
  });

  it('stops when unsubscribed', () => {
    const trigger = new Subject<void>();
    let count = 0;
    const sub = settleRefresh(trigger, [1000]).subscribe(() => count++);
    trigger.next();
    sub.unsubscribe();
    vi.advanceTimersByTime(5000);
    expect(count).toBe(1);
  });
});
