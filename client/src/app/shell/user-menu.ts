import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatDividerModule } from '@angular/material/divider';
import { MatIconModule } from '@angular/material/icon';
import { MatMenuModule } from '@angular/material/menu';
import { MatSnackBar } from '@angular/material/snack-bar';
import { RouterLink } from '@angular/router';
import { AuthSession } from '../auth/auth-session';
import { AuthService } from '../auth/auth.service';
import { DisplaySettings } from '../core/display-settings';
import type { Theme } from '../../../../contracts/enums';

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
        <a mat-menu-item routerLink="/settings"><mat-icon svgIcon="tune" />Settings</a>
        <mat-divider />
        <div class="menu-heading" id="theme-heading">Theme</div>
        <div role="group" aria-labelledby="theme-heading">
          @for (t of themes; track t.value) {
            <button mat-menu-item role="menuitemradio" [attr.aria-checked]="display.theme() === t.value"
                    (click)="chooseTheme(t.value)" [attr.data-testid]="'menu-theme-' + t.value">
              <mat-icon [svgIcon]="t.icon" />
              <span>{{ t.label }}</span>
              @if (display.theme() === t.value) { <mat-icon class="chosen" svgIcon="check" aria-hidden="true" /> }
            </button>
          }
        </div>
        <mat-divider />
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
    .menu-heading { padding: 8px 16px 0; font: var(--mat-sys-label-medium); color: var(--mat-sys-on-surface-variant); }
    .chosen { margin-left: 8px; margin-right: 0; }
  `,
})
export class UserMenu {
  protected readonly session = inject(AuthSession);
  protected readonly auth = inject(AuthService);
  protected readonly display = inject(DisplaySettings);
  private readonly snackBar = inject(MatSnackBar);

  protected readonly themes: Array<{ value: Theme; label: string; icon: string }> = [
    { value: 'light', label: 'Light', icon: 'light_mode' },
    { value: 'dark', label: 'Dark', icon: 'dark_mode' },
    { value: 'system', label: 'Same as the system', icon: 'contrast' },
  ];

  protected chooseTheme(theme: Theme): void {
    this.display.save({ theme }).subscribe({ error: () => this.snackBar.open('The theme could not be saved', undefined, { duration: 4000 }) });
  }
}
