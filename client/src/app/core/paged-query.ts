import { signal } from '@angular/core';
import type { PageEvent } from '@angular/material/paginator';
import type { Observable, Subscription } from 'rxjs';

export interface PageWindow {
  limit: number;
  offset: number;
}

/**
 * The state of one server-paginated list (`{items, total}` with limit/offset): rows, total,
 * page position and request flags. A new request cancels the one still in flight, so a slow
 * old page never overwrites a newer one.
 */
export class PagedQuery<T> {
  readonly items = signal<T[]>([]);
  readonly total = signal(0);
  /** The server stopped counting at `total` (10,000): there are more. */
  readonly totalIsLowerBound = signal(false);
  readonly loading = signal(false);
  readonly loadFailed = signal(false);
  readonly pageIndex = signal(0);
  readonly pageSize = signal(25);
  private request: Subscription | null = null;

  /** Loads the current page; `quiet` keeps the progress bar off (live refreshes). */
  run(fetch: (window: PageWindow) => Observable<{ items: T[]; total: number; totalIsLowerBound?: boolean }>, quiet = false): void {
    this.request?.unsubscribe();
    if (!quiet) this.loading.set(true);
    this.loadFailed.set(false);
    this.request = fetch({ limit: this.pageSize(), offset: this.pageIndex() * this.pageSize() }).subscribe({
      next: (res) => {
        this.items.set(res.items);
        this.total.set(res.total);
        this.totalIsLowerBound.set(res.totalIsLowerBound === true);
        this.loading.set(false);
      },
      error: () => {
        this.loading.set(false);
        this.loadFailed.set(true);
      },
    });
  }

  /** Takes the paginator's new position; the caller loads. */
  moveTo(event: PageEvent): void {
    this.pageIndex.set(event.pageIndex);
    this.pageSize.set(event.pageSize);
  }
}
