import { Injectable, inject } from '@angular/core';
import { Router } from '@angular/router';
import { MatSnackBar } from '@angular/material/snack-bar';
import { Subscription } from 'rxjs';
import { NotificationStore } from './notification-store';
import { NotificationToast } from './notification-toast';
import { openNotificationLink } from './notification-link';
import type { NotificationView } from '../../../../contracts/api';
import type { LiveNotification } from '../../../../contracts/socket-events';
import { isStandoutPriority, toastDurationMs, toastPanelClasses, wantsAttention } from './notification-display';

/**
 * Turns live notifications into snackbar toasts, one at a time: a toast that arrives while another
 * is showing waits in a queue instead of replacing it, and a toast pushed aside by another snackbar comes back.
 */
@Injectable({ providedIn: 'root' })
export class NotificationToaster {
  private readonly snackBar = inject(MatSnackBar);
  private readonly store = inject(NotificationStore);
  private readonly router = inject(Router);
  private readonly queue: NotificationView[] = [];
  private showing = false;
  private subscription: Subscription | null = null;

  start(): void {
    if (this.subscription) return;
    this.subscription = this.store.arrivals$.subscribe((n) => this.enqueue(n));
  }

  stop(): void {
    this.subscription?.unsubscribe();
    this.subscription = null;
    this.queue.length = 0;
  }

  /**
   * Queues the notification when the server decided it pops up (`toast`, from the user's preferences);
   * the others only reach the bell and the list.
   */
  enqueue(notification: LiveNotification): void {
    if (!wantsAttention(notification)) return;
    this.queue.push(notification);
    if (!this.showing) this.showNext();
  }

  /** Forgets the waiting toasts of a rule the user just muted (the one showing stays until it goes). */
  dropRule(ruleId: string): void {
    for (let i = this.queue.length - 1; i >= 0; i--) {
      if (this.queue[i].ruleId === ruleId) this.queue.splice(i, 1);
    }
  }

    get pending(): number {
    return this.queue.length;
  }

  private showNext(): void {
    const next = this.queue.shift();
    if (!next) {
      this.showing = false;
      return;
    }
    this.showing = true;
    const standout = isStandoutPriority(next.priority);
    const ref = this.snackBar.openFromComponent(NotificationToast, {
      data: next,
      // URGENT stays until dismissed or opened; the others go by themselves.
      duration: toastDurationMs(next.priority),
      panelClass: toastPanelClasses(next.priority),
      horizontalPosition: 'end',
      verticalPosition: 'bottom',
      politeness: standout ? 'assertive' : 'polite',
    });
    ref.onAction().subscribe(() => {
      this.store.markRead(next.id).subscribe({ error: () => undefined });
      openNotificationLink(this.router, next.linkUrl);
    });
    ref.afterDismissed().subscribe(({ dismissedByAction }) => {
      // Another snackbar (e.g. "Case saved") replaced this toast: show the toast again once that one is gone.
      const replacement = this.snackBar._openedSnackBarRef;
      if (replacement && replacement !== ref) {
        if (!dismissedByAction) this.queue.unshift(next);
        replacement.afterDismissed().subscribe(() => this.showNext());
        return;
      }
      this.showNext();
    });
  }
}
