import { Observable, map, merge, of, switchMap, timer } from 'rxjs';

/**
 * After a change of a case, rules run a moment later on the server (from the outbox, after the change
 * committed). Their effects on the case itself arrive as `case:updated`, but a rule that only writes a
 * timeline entry sends nothing. So a view that shows such effects re-reads now and again after these delays.
 */
export const AUTOMATION_SETTLE_DELAYS_MS: readonly number[] = [1000, 3000];

/**
 * For every `trigger`, emits at once and then once after each delay; a new trigger restarts the series
 * (so a burst of changes causes one re-read per step, not one per change and step).
 */
export function settleRefresh(trigger: Observable<unknown>, delays: readonly number[] = AUTOMATION_SETTLE_DELAYS_MS): Observable<void> {
  return trigger.pipe(
    switchMap(() => merge(of(0), ...delays.map((ms) => timer(ms)))),
    map(() => undefined),
  );
}
