import { Injectable, inject } from '@angular/core';
import { Router } from '@angular/router';
import { Subscription } from 'rxjs';
import { NotificationStore } from './notification-store';
import { NotificationPreferencesStore } from './notification-preferences-store';
import { openNotificationLink } from './notification-link';
import { desktopPermission, shouldShowOnDesktop, type DesktopContext } from './desktop-notifications';
import type { LiveNotification } from '../../../../contracts/socket-events';

/**
 * Shows HIGH and URGENT notifications with the browser's Notification API while the console's tab is hidden
 * (when the user opted in and the browser allows it). Clicking one brings the tab forward and opens the case.
 */
@Injectable({ providedIn: 'root' })
export class DesktopNotifier {
  private readonly store = inject(NotificationStore);
  private readonly preferences = inject(NotificationPreferencesStore);
  private readonly router = inject(Router);
  private subscription: Subscription | null = null;

  start(): void {
    if (this.subscription) return;
    this.subscription = this.store.arrivals$.subscribe((n) => this.consider(n));
  }

  stop(): void {
    this.subscription?.unsubscribe();
    this.subscription = null;
  }

  /** Shows the notification on the desktop when it should be; says whether it did. */
  consider(notification: LiveNotification): boolean {
    if (!shouldShowOnDesktop(notification, this.context())) return false;
    try {
      this.show(notification);
      return true;
    } catch {
      // Some browsers only allow notifications from a service worker; the toast still shows when the tab is back.
      return false;
    }
  }

  private context(): DesktopContext {
    return {
      enabled: this.preferences.desktop(),
      permission: desktopPermission(),
      visibility: typeof document === 'undefined' ? 'visible' : document.visibilityState,
    };
  }

  private show(n: LiveNotification): void {
    const shown = new Notification(n.title, {
      body: n.message,
      // One per notification: a second tab of the same console replaces it instead of adding another.
      tag: `acos-${n.id}`,
      requireInteraction: n.priority === 'URGENT',
    });
    shown.onclick = () => {
      window.focus();
      shown.close();
      if (!n.isRead) this.store.markRead(n.id).subscribe({ error: () => undefined });
      openNotificationLink(this.router, n.linkUrl);
    };
  }
}
