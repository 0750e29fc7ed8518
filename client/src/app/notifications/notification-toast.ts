import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatIconModule } from '@angular/material/icon';
import {
  MAT_SNACK_BAR_DATA,
  MatSnackBarAction,
  MatSnackBarActions,
  MatSnackBarLabel,
  MatSnackBarRef,
} from '@angular/material/snack-bar';
import type { NotificationView } from '../../../../contracts/api';
import { priorityLook } from './notification-display';

/** The content of one live toast: title, message, and Open / Dismiss. */
@Component({
  selector: 'app-notification-toast',
  imports: [MatButtonModule, MatIconModule, MatSnackBarLabel, MatSnackBarActions, MatSnackBarAction],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div matSnackBarLabel class="toast" data-testid="toast" [attr.data-priority]="notification.priority">
      <div class="toast-title">
        <mat-icon aria-hidden="true" class="toast-icon" [svgIcon]="look.icon" data-testid="toast-icon" [attr.data-icon]="look.icon" />
        <strong>{{ notification.title }}</strong>
        <span class="toast-priority">{{ notification.priority }}</span>
      </div>
      <div class="toast-message">{{ notification.message }}</div>
    </div>
    <div matSnackBarActions>
      @if (notification.linkUrl) {
        <button mat-button matSnackBarAction (click)="open()" data-testid="toast-open">Open</button>
      }
      <button mat-icon-button (click)="ref.dismiss()" aria-label="Dismiss notification" data-testid="toast-dismiss">
        <mat-icon svgIcon="close" />
      </button>
    </div>
  `,
  styles: `
    :host { display: flex; align-items: center; gap: 8px; --mat-icon-button-icon-color: currentColor; }
    .toast { display: flex; flex-direction: column; gap: 2px; max-width: 420px; }
    .toast-title { display: flex; align-items: center; gap: 6px; }
    .toast-icon { font-size: 18px; width: 18px; height: 18px; }
    .toast-priority { font-size: 11px; letter-spacing: .06em; opacity: .75; margin-left: auto; padding-left: 8px; }
    .toast-message { opacity: .9; overflow: hidden; display: -webkit-box; -webkit-line-clamp: 3; -webkit-box-orient: vertical; }
  `,
})
export class NotificationToast {
  protected readonly notification = inject<NotificationView>(MAT_SNACK_BAR_DATA);
  protected readonly ref = inject<MatSnackBarRef<NotificationToast>>(MatSnackBarRef);
  protected readonly look = priorityLook(this.notification.priority);

  protected open(): void {
    this.ref.dismissWithAction();
  }
}
