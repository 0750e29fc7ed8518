import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { DateTimePipe } from '../core/date-time.pipe';
import { Router } from '@angular/router';
import { MatBadgeModule } from '@angular/material/badge';
import { MatButtonModule } from '@angular/material/button';
import { MatDividerModule } from '@angular/material/divider';
import { MatIconModule } from '@angular/material/icon';
import { MatMenuModule } from '@angular/material/menu';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSlideToggleModule } from '@angular/material/slide-toggle';
import { MatSnackBar } from '@angular/material/snack-bar';
import { MatTooltipModule } from '@angular/material/tooltip';
import { NotificationStore } from './notification-store';
import { NotificationPreferencesStore } from './notification-preferences-store';
import { NotificationToaster } from './notification-toaster';
import { openNotificationLink } from './notification-link';
import type { NotificationView } from '../../../../contracts/api';
import { priorityLook, ruleLabel, unreadBadgeText } from './notification-display';

/**
 * The bell in the toolbar: live unread badge and a menu with the newest notifications (all, or unread only),
 * each marked by its priority and naming the rule that sent it, which can be muted from here.
 */
@Component({
  selector: 'app-notification-center',
  imports: [
    DateTimePipe,
    MatBadgeModule,
    MatButtonModule,
    MatDividerModule,
    MatIconModule,
    MatMenuModule,
    MatProgressBarModule,
    MatSlideToggleModule,
    MatTooltipModule,
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './notification-center.html',
  styleUrl: './notification-center.scss',
})
export class NotificationCenter {
  protected readonly store = inject(NotificationStore);
  protected readonly preferences = inject(NotificationPreferencesStore);
  private readonly router = inject(Router);
  private readonly snackBar = inject(MatSnackBar);
  private readonly toaster = inject(NotificationToaster);
  protected readonly look = priorityLook;
  protected readonly ruleLabel = ruleLabel;
  /** The rule whose mute/unmute is being saved (its button is disabled meanwhile). */
  protected readonly savingRule = signal<string | null>(null);

  /** The number shown on the bell (the button's aria-label says it in words). */
  protected badgeText(): string {
    return unreadBadgeText(this.store.unreadCount());
  }

  protected bellLabel(): string {
    const count = this.store.unreadCount();
    return count === 0 ? 'Notifications, none unread' : `Notifications, ${count} unread`;
  }

  protected opened(): void {
    this.store.refresh();
    this.preferences.load();
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

  /** Mutes or unmutes the rule that sent `notification`; the menu stays open. */
  protected toggleMute(event: Event, notification: NotificationView): void {
    event.stopPropagation();
    const ruleId = notification.ruleId;
    if (!ruleId || this.savingRule()) return;
    const mute = !this.preferences.isMuted(ruleId);
    const name = notification.ruleName ?? 'the rule';
    this.savingRule.set(ruleId);
    this.preferences.setRuleMuted(ruleId, mute).subscribe({
      next: () => {
        this.savingRule.set(null);
        if (mute) this.toaster.dropRule(ruleId);
        this.snackBar.open(mute ? `Muted "${name}": its notifications no longer pop up` : `"${name}" unmuted`, undefined, { duration: 4000 });
      },
      error: () => {
        this.savingRule.set(null);
        this.snackBar.open(`Could not ${mute ? 'mute' : 'unmute'} "${name}"`, undefined, { duration: 5000 });
      },
    });
  }
}
