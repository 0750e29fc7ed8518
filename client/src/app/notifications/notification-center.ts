import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { DatePipe } from '@angular/common';
import { Router } from '@angular/router';
import { MatBadgeModule } from '@angular/material/badge';
import { MatButtonModule } from '@angular/material/button';
import { MatDividerModule } from '@angular/material/divider';
import { MatIconModule } from '@angular/material/icon';
import { MatMenuModule } from '@angular/material/menu';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatTooltipModule } from '@angular/material/tooltip';
import { NotificationStore } from './notification-store';
import { openNotificationLink } from './notification-link';
import type { NotificationView } from '../../../../contracts/api';
import { unreadBadgeText } from './notification-display';

/** The bell in the toolbar: live unread badge and a menu with the newest notifications. */
@Component({
  selector: 'app-notification-center',
  imports: [
    DatePipe,
    MatBadgeModule,
    MatButtonModule,
    MatDividerModule,
    MatIconModule,
    MatMenuModule,
    MatProgressBarModule,
    MatTooltipModule,
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './notification-center.html',
  styleUrl: './notification-center.scss',
})
export class NotificationCenter {
  protected readonly store = inject(NotificationStore);
  private readonly router = inject(Router);

  /** The number shown on the bell (the button's aria-label says it in words). */
  protected badgeText(): string {
    return unreadBadgeText(this.store.unreadCount());
  }

  protected bellLabel(): string {
    const count = this.store.unreadCount();
    return count === 0 ? 'Notifications, none unread' : `Notifications, ${count} unread`;
  }

  protected open(notification: NotificationView): void {
    if (!notification.isRead) {
      this.store.markRead(notification.id).subscribe({ error: () => undefined });
    }
    openNotificationLink(this.router, notification.linkUrl);
  }

  protected markAllRead(event: Event): void {
    event.stopPropagation();
    this.store.markAllRead().subscribe({ error: () => undefined });
  }

  protected loadMore(event: Event): void {
    event.stopPropagation();
    this.store.loadMore();
  }
}
