import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { ActivatedRoute, Router } from '@angular/router';
import { MatButtonModule } from '@angular/material/button';
import { MatCardModule } from '@angular/material/card';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatIconModule } from '@angular/material/icon';
import { HttpErrorResponse } from '@angular/common/http';
import type { DemoAccount } from '../../../../contracts/api';
import { errorText } from '../core/api-errors';
import { AuthService } from './auth.service';

@Component({
  selector: 'app-login-page',
  imports: [
    ReactiveFormsModule,
    MatButtonModule,
    MatCardModule,
    MatFormFieldModule,
    MatInputModule,
    MatProgressBarModule,
    MatIconModule,
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './login.page.html',
  styleUrl: './login.page.scss',
})
export class LoginPage {
  private readonly auth = inject(AuthService);
  private readonly router = inject(Router);
  private readonly route = inject(ActivatedRoute);

  protected readonly form = inject(NonNullableFormBuilder).group({
    email: ['', [Validators.required, Validators.email]],
    password: ['', Validators.required],
  });
  protected readonly submitting = signal(false);
  /** A refused single sign-on comes back here with its reason in `?error=`. */
  protected readonly error = signal<string | null>(ssoRefusal(this.route.snapshot.queryParamMap.get('error')));
  /** Unknown until the server answers: neither form nor button flashes in the meantime. */
  protected readonly providers = toSignal(this.auth.providers());
  protected readonly demoAccounts = toSignal(this.auth.demoAccounts(), { initialValue: [] });
  protected readonly ssoUrl = '/api/v1/auth/oidc/login';

  /** Fills the form with a demo account; signing in stays one more click, so the choice is seen first. */
  protected useDemoAccount(account: DemoAccount): void {
    this.form.setValue({ email: account.email, password: account.password });
    this.error.set(null);
  }

  protected submit(): void {
    if (this.form.invalid || this.submitting()) {
      this.form.markAllAsTouched();
      return;
    }
    const { email, password } = this.form.getRawValue();
    this.submitting.set(true);
    this.error.set(null);
    this.auth.login(email.trim(), password).subscribe({
      next: () => {
        const returnUrl = this.route.snapshot.queryParamMap.get('returnUrl');
        void this.router.navigateByUrl(returnUrl && returnUrl.startsWith('/') ? returnUrl : '/cases');
      },
      error: (err: unknown) => {
        this.submitting.set(false);
        this.error.set(loginErrorMessage(err));
      },
    });
  }
}

/** The reason a refused single sign-on came back with, labelled as such (anyone can craft a link with `?error=`). */
function ssoRefusal(raw: string | null): string | null {
  return raw ? `Single sign-on: ${raw.slice(0, 300)}` : null;
}

export function loginErrorMessage(err: unknown): string {
  if (err instanceof HttpErrorResponse) {
    if (err.status === 401) return 'Wrong email or password.';
    if (err.status === 429) {
      const retryAfter = Number(err.headers.get('Retry-After'));
      return retryAfter > 0
        ? `Too many sign-in attempts. Try again in ${retryAfter} seconds.`
        : 'Too many sign-in attempts. Wait a moment and try again.';
    }
  }
  return errorText(err);
}
