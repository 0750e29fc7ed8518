import { BreakpointObserver } from '@angular/cdk/layout';
import { Injectable, inject } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { map } from 'rxjs';

/** Below this width lists show cards instead of tables (Material's "compact" window class ends at 600 px). */
export const PHONE_QUERY = '(max-width: 599.98px)';

/** Whether the console is on a phone-sized screen, kept current as the window (or the device's orientation) changes. */
@Injectable({ providedIn: 'root' })
export class PhoneLayout {
  private readonly observer = inject(BreakpointObserver);
  readonly isPhone = toSignal(this.observer.observe(PHONE_QUERY).pipe(map((state) => state.matches)), {
    initialValue: this.observer.isMatched(PHONE_QUERY),
  });
}
