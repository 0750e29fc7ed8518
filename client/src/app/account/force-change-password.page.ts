import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { Router } from '@angular/router';
import { MatButtonModule } from '@angular/material/button';
import { MatCardModule } from '@angular/material/card';
import { AuthService } from '../auth/auth.service';
import { ChangePasswordForm } from './change-password-form';

/** After an admin's reset: the only page open until the temporary password is replaced. */
@Component({
  selector: 'app-force-change-password-page',
  imports: [MatButtonModule, MatCardModule, ChangePasswordForm],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <main class="wrap">
      <mat-card appearance="outlined" class="card">
        <mat-card-header>
          <mat-card-title><h1>Choose a new password</h1></mat-card-title>
          <mat-card-subtitle>Your password was reset by an administrator. Enter the temporary password you were given, then your own.</mat-card-subtitle>
        </mat-card-header>
        <mat-card-content>
          <app-change-password-form (changed)="done()" />
          <button mat-button (click)="auth.logout()" data-testid="force-change-logout">Sign out instead</button>
        </mat-card-content>
      </mat-card>
    </main>
  `,
  styles: `.wrap { min-height: 100vh; display: grid; place-items: center; } .card { width: min(520px, 94vw); } h1 { font: var(--mat-sys-title-large); margin: 0; }`,
})
export class ForceChangePasswordPage {
  protected readonly auth = inject(AuthService);
  private readonly router = inject(Router);

  protected done(): void {
    this.auth.refreshCurrentUser().subscribe({
      next: () => void this.router.navigateByUrl('/cases'),
      error: () => void this.router.navigateByUrl('/cases'),
    });
  }
}
