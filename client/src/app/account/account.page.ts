import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatCardModule } from '@angular/material/card';
import { MatDialog } from '@angular/material/dialog';
import { MatSnackBar } from '@angular/material/snack-bar';
import { AuthSession } from '../auth/auth-session';
import { AuthService } from '../auth/auth.service';
import { confirmAction } from '../core/confirm-dialog';
import { ChangePasswordForm } from './change-password-form';

/** Everyone's own account: password and sessions. */
@Component({
  selector: 'app-account-page',
  imports: [MatButtonModule, MatCardModule, ChangePasswordForm],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <section class="page">
      <header class="page-header"><h1>Account</h1></header>
      @if (session.user(); as user) {
        <p class="muted">{{ user.name }} · {{ user.email }} · {{ user.role }}</p>
        @if (user.authProvider === 'OIDC') {
          <mat-card appearance="outlined"><mat-card-content>
            You sign in through your organisation's identity provider; your password is managed there.
          </mat-card-content></mat-card>
        } @else {
          <mat-card appearance="outlined">
            <mat-card-header><mat-card-title><h2>Change password</h2></mat-card-title></mat-card-header>
            <mat-card-content>
              <p class="muted">Your other sessions end when you change it; this one stays signed in.</p>
              <app-change-password-form (changed)="changed()" />
            </mat-card-content>
          </mat-card>
        }
        <mat-card appearance="outlined">
          <mat-card-header><mat-card-title><h2>Sessions</h2></mat-card-title></mat-card-header>
          <mat-card-content>
            <p>Signed in on another computer you no longer use? End every session, including this one.</p>
            <button mat-stroked-button (click)="signOutEverywhere()" data-testid="logout-all">Sign out everywhere</button>
          </mat-card-content>
        </mat-card>
      }
    </section>
  `,
  styles: `mat-card { margin-bottom: 16px; max-width: 640px; } h2 { font: var(--mat-sys-title-medium); margin: 0; }`,
})
export class AccountPage {
  protected readonly session = inject(AuthSession);
  private readonly auth = inject(AuthService);
  private readonly dialog = inject(MatDialog);
  private readonly snack = inject(MatSnackBar);

  protected changed(): void {
    this.snack.open('Password changed. Your other sessions have ended.', 'OK', { duration: 5000 });
  }

  protected signOutEverywhere(): void {
    confirmAction(this.dialog, {
      title: 'Sign out everywhere?',
      message: 'Every session of yours ends now, on every computer and in every tab, this one included.',
      confirmLabel: 'Sign out everywhere', destructive: true,
    }).subscribe((ok) => {
      if (ok) this.auth.logoutEverywhere().subscribe({ error: () => undefined });
    });
  }
}
