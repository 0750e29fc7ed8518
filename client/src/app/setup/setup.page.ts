import { HttpClient, HttpErrorResponse } from '@angular/common/http';
import { ChangeDetectionStrategy, Component, OnInit, computed, inject, signal } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { ActivatedRoute, Router, RouterLink } from '@angular/router';
import { MatButtonModule } from '@angular/material/button';
import { MatCardModule } from '@angular/material/card';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatSnackBar } from '@angular/material/snack-bar';
import type { SetupRequest, SetupStatus } from '../../../../contracts/api';
import { passwordRules, rulesMet } from '../account/password-rules';
import { errorText } from '../core/api-errors';
import { API_BASE } from '../core/api-models';

/** First run: the one-time link from the server's log creates the first administrator. */
@Component({
  selector: 'app-setup-page',
  imports: [ReactiveFormsModule, RouterLink, MatButtonModule, MatCardModule, MatFormFieldModule, MatInputModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <main class="wrap">
      <mat-card appearance="outlined" class="card">
        <mat-card-header>
          <mat-card-title><h1>Set up AuditCaseOS</h1></mat-card-title>
          <mat-card-subtitle>Create the first administrator. This link works once.</mat-card-subtitle>
        </mat-card-header>
        <mat-card-content>
          @if (state() === 'done') {
            <p data-testid="setup-done">Setup is complete. <a routerLink="/login">Sign in</a></p>
          } @else if (!token) {
            <p role="alert">This page needs the setup link from the server's log (…/setup?token=…).</p>
          } @else {
            <form [formGroup]="form" (ngSubmit)="submit()" class="form" novalidate>
              <mat-form-field><mat-label>E-mail</mat-label>
                <input matInput type="email" formControlName="email" autocomplete="username" data-testid="setup-email" required /></mat-form-field>
              <mat-form-field><mat-label>Name</mat-label>
                <input matInput formControlName="name" data-testid="setup-name" required maxlength="200" /></mat-form-field>
              <mat-form-field><mat-label>Password</mat-label>
                <input matInput type="password" formControlName="password" autocomplete="new-password" data-testid="setup-password" required /></mat-form-field>
              <ul class="rules">
                @for (rule of rules(); track rule.id) {
                  @if (rule.id !== 'not-common') { <li [class.failed]="rule.met === false">{{ rule.met === false ? '✗' : rule.met ? '✓' : '•' }} {{ rule.text }}</li> }
                }
                <li>• Not a commonly used password</li>
              </ul>
              @if (error(); as message) { <p class="failed" role="alert" data-testid="setup-error">{{ message }}</p> }
              <button mat-flat-button type="submit" [disabled]="state() === 'saving'" data-testid="setup-submit">Create administrator</button>
            </form>
          }
        </mat-card-content>
      </mat-card>
    </main>
  `,
  styles: `.wrap { min-height: 100vh; display: grid; place-items: center; } .card { width: min(520px, 94vw); }
    h1 { font: var(--mat-sys-title-large); margin: 0; } .form { display: flex; flex-direction: column; gap: 8px; padding-top: 16px; }
    .rules { list-style: none; padding: 0; margin: 0 0 8px; } .failed { color: var(--mat-sys-error); }`,
})
export class SetupPage implements OnInit {
  private readonly http = inject(HttpClient);
  private readonly router = inject(Router);
  private readonly snack = inject(MatSnackBar);
  protected readonly token = inject(ActivatedRoute).snapshot.queryParamMap.get('token') ?? '';
  protected readonly state = signal<'form' | 'saving' | 'done'>('form');
  protected readonly error = signal<string | null>(null);
  protected readonly form = inject(NonNullableFormBuilder).group({
    email: ['', [Validators.required, Validators.email]],
    name: ['', Validators.required],
    password: ['', Validators.required],
  });
  private readonly value = toSignal(this.form.valueChanges, { initialValue: this.form.getRawValue() });
  protected readonly rules = computed(() => passwordRules(this.value().password ?? '', this.value().email ?? '', null));

  ngOnInit(): void {
    // After setup the route answers 404: say so instead of showing a form that cannot work.
    this.http.get<SetupStatus>(`${API_BASE}/setup`).subscribe({
      error: (err: unknown) => {
        if (err instanceof HttpErrorResponse && err.status === 404) this.state.set('done');
      },
    });
  }

  protected submit(): void {
    if (this.form.invalid) return this.form.markAllAsTouched();
    if (!rulesMet(this.rules().filter((r) => r.id !== 'not-common'))) return this.error.set('The password does not meet the rules yet.');
    const v = this.form.getRawValue();
    const body: SetupRequest = { token: this.token, email: v.email.trim(), name: v.name.trim(), password: v.password };
    this.state.set('saving');
    this.error.set(null);
    this.http.post(`${API_BASE}/setup`, body).subscribe({
      next: () => {
        this.snack.open('Administrator created. Sign in with it now.', 'OK', { duration: 6000 });
        void this.router.navigate(['/login']);
      },
      error: (err: unknown) => {
        this.state.set('form');
        this.error.set(errorText(err));
      },
    });
  }
}
