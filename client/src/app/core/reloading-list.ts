import { effect, signal, type Signal } from '@angular/core';
import type { Observable } from 'rxjs';

export interface ReloadingList<T> {
  readonly items: Signal<T[]>;
  readonly loading: Signal<boolean>;
}

/**
 * A list fetched again whenever a signal `fetch` reads changes (an id input, a refresh counter);
 * the request still in flight is cancelled, so an old answer never overwrites a newer one.
 * `arrange` orders or filters what arrived. Call it in an injection context (it registers an effect).
 */
export function reloadingList<T>(fetch: () => Observable<T[]>, arrange: (items: T[]) => T[] = (items) => items): ReloadingList<T> {
  const items = signal<T[]>([]);
  const loading = signal(false);
  effect((onCleanup) => {
    const request = fetch();
    loading.set(true);
    const sub = request.subscribe({
      next: (arrived) => {
        items.set(arrange(arrived));
        loading.set(false);
      },
      error: () => loading.set(false),
    });
    onCleanup(() => sub.unsubscribe());
  });
  return { items: items.asReadonly(), loading: loading.asReadonly() };
}
