import { signal } from '@angular/core';
import type { Observable } from 'rxjs';
import { errorText } from './api-errors';

/**
 * One request a panel runs on demand (a dry run, a backtest): whether it is running, its answer, or what went
 * wrong in words. A new run clears the previous answer and error.
 */
export class RequestState<T> {
  readonly running = signal(false);
  readonly result = signal<T | null>(null);
  readonly error = signal<string | null>(null);

  run(request: Observable<T>): void {
    this.running.set(true);
    this.error.set(null);
    this.result.set(null);
    request.subscribe({
      next: (result) => {
        this.running.set(false);
        this.result.set(result);
      },
      error: (err: unknown) => {
        this.running.set(false);
        this.error.set(errorText(err));
      },
    });
  }

  /** Refused before it was sent (the form is not valid): no answer, this message. */
  refuse(message: string): void {
    this.result.set(null);
    this.error.set(message);
  }
}
