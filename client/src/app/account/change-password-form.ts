import { ChangeDetectionStrategy, Component, OnInit, computed, inject, output, signal } from '@angular/core';
import { takeUntilDestroyed, toSignal } from '@angular/core/rxjs-interop';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { AuthSession } from '../auth/auth-session';
import { errorText } from '../core/api-errors';
import { AccountApi } from './account-api';
import { passwordRules, rulesMet, strengthLabel, warningText, type StrengthEstimate } from './password-rules';
import { loadStrengthEstimator, type StrengthEstimator } from './password-strength';

/** Current password, new password with live feedback against the server's rules, and its confirmation. */
@Component({
  selector: 'app-change-password-form',
  imports: [ReactiveFormsModule, MatButtonModule, MatFormFieldModule, MatIconModule, MatInputModule, MatProgressBarModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <form [formGroup]="form" (ngSubmit)="submit()" class="form" novalidate aria-label="Change password">
      <mat-form-field>
        <mat-label>Current password</mat-label>
        <input matInput type="password" formControlName="currentPassword" autocomplete="current-password" data-testid="current-password" required />
      </mat-form-field>
      <mat-form-field>
        <mat-label>New password</mat-label>
        <input matInput type="password" formControlName="newPassword" autocomplete="new-password" data-testid="new-password" required />
      </mat-form-field>
      <div class="feedback" aria-live="polite" data-testid="password-feedback">
        @if (estimate(); as e) {
          <mat-progress-bar mode="determinate" [value]="(e.score + 1) * 20" [attr.aria-label]="'Strength: ' + label()" />
          <strong data-testid="password-strength">{{ label() }}</strong>
          @if (warning(); as w) { <span class="muted"> — {{ w }}</span> }
        }
        <ul class="rules">
          @for (rule of rules(); track rule.id) {
            <li [class.met]="rule.met === true" [class.failed]="rule.met === false" [attr.data-testid]="'rule-' + rule.id">
              {{ rule.met === true ? '✓' : rule.met === false ? '✗' : '•' }} {{ rule.text }}
            </li>
          }
        </ul>
      </div>
      <mat-form-field>
        <mat-label>New password again</mat-label>
        <input matInput type="password" formControlName="confirm" autocomplete="new-password" data-testid="confirm-password" required />
        @if (mismatch()) { <mat-hint class="failed">The two new passwords differ</mat-hint> }
      </mat-form-field>
      @if (error(); as message) { <p class="failed" role="alert" data-testid="change-password-error">{{ message }}</p> }
      <button mat-flat-button type="submit" [disabled]="saving()" data-testid="change-password-submit">Change password</button>
    </form>
  `,
  styles: `
    .form { display: flex; flex-direction: column; gap: 8px; max-width: 440px; }
    .rules { list-style: none; padding: 0; margin: 8px 0; }
    .met { color: var(--mat-sys-primary); }
    .failed { color: var(--mat-sys-error); }
  `,
})
export class ChangePasswordForm implements OnInit {
  private readonly api = inject(AccountApi);
  private readonly session = inject(AuthSession);
  readonly changed = output<void>();

  protected readonly form = inject(NonNullableFormBuilder).group({
    currentPassword: ['', Validators.required],
    newPassword: ['', Validators.required],
    confirm: ['', Validators.required],
  });
  private readonly value = toSignal(this.form.valueChanges, { initialValue: this.form.getRawValue() });
  private readonly estimator = signal<StrengthEstimator | null>(null);
  protected readonly saving = signal(false);
  protected readonly error = signal<string | null>(null);

  protected readonly estimate = computed<StrengthEstimate | null>(() => {
    const password = this.value().newPassword ?? '';
    const estimator = this.estimator();
    if (!password || !estimator) return null;
    const user = this.session.user();
    return estimator(password, [user?.email ?? '', ...(user?.name.split(/\s+/) ?? [])].filter(Boolean));
  });
  protected readonly rules = computed(() => passwordRules(this.value().newPassword ?? '', this.session.user()?.email ?? '', this.estimate()));
  protected readonly label = computed(() => strengthLabel(this.estimate(), this.rules()));
  protected readonly warning = computed(() => warningText(this.estimate()?.warning ?? null));
  protected readonly mismatch = computed(() => !!this.value().confirm && this.value().confirm !== this.value().newPassword);

  constructor() {
    this.form.valueChanges.pipe(takeUntilDestroyed()).subscribe(() => this.error.set(null));
  }

  ngOnInit(): void {
    loadStrengthEstimator().then((e) => this.estimator.set(e), () => undefined);
  }

  protected submit(): void {
    const v = this.form.getRawValue();
    if (this.form.invalid || this.saving()) return this.form.markAllAsTouched();
    if (!rulesMet(this.rules())) return this.error.set('The new password does not meet the rules below it yet.');
    if (this.mismatch()) return this.error.set('The two new passwords differ.');
    this.saving.set(true);
    this.api.changePassword({ currentPassword: v.currentPassword, newPassword: v.newPassword }).subscribe({
      next: () => {
        this.saving.set(false);
        this.form.reset();
        this.changed.emit();
      },
      error: (err: unknown) => {
        this.saving.set(false);
        this.error.set(errorText(err));
      },
    });
  }
}
