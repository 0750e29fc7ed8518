import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatDividerModule } from '@angular/material/divider';
import { MatIconModule } from '@angular/material/icon';
import { MatMenuModule } from '@angular/material/menu';
import { RouterLink } from '@angular/router';
import { AuthSession } from '../auth/auth-session';
import { AuthService } from '../auth/auth.service';

@Component({
  selector: 'app-user-menu',
  imports: [MatButtonModule, MatDividerModule, MatIconModule, MatMenuModule, RouterLink],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @if (session.user(); as user) {
      <button mat-button [matMenuTriggerFor]="menu" class="user-button" data-testid="user-menu"
              [attr.aria-label]="'Account menu for ' + user.name">
        <mat-icon svgIcon="account_circle" />
        <span class="user-name">{{ user.name }}</span>
      </button>
      <mat-menu #menu="matMenu" xPosition="before">
        <div class="user-card" data-testid="user-card">
          <div class="user-card-name">{{ user.name }}</div>
          <div class="muted">{{ user.email }}</div>
          <span class="pill" data-testid="user-role">{{ user.role }}</span>
        </div>
        <mat-divider />
        <a mat-menu-item routerLink="/account" data-testid="menu-account"><mat-icon svgIcon="account_circle" />Account and password</a>
        <a mat-menu-item routerLink="/settings"><mat-icon svgIcon="tune" />Notification settings</a>
        <button mat-menu-item (click)="auth.logout()" data-testid="logout"><mat-icon svgIcon="logout" />Sign out</button>
      </mat-menu>
    }
  `,
  styles: `
    .user-button { margin-left: 4px; }
    .user-name { max-width: 160px; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
    @media (max-width: 600px) { .user-name { display: none; } }
    .user-card { padding: 12px 16px; display: flex; flex-direction: column; gap: 4px; align-items: flex-start; }
    .user-card-name { font: var(--mat-sys-title-small); }
  `,
})
export class UserMenu {
  protected readonly session = inject(AuthSession);
  protected readonly auth = inject(AuthService);
}
