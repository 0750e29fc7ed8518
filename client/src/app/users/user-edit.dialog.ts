import { ChangeDetectionStrategy, Component, computed, inject, signal, viewChild } from '@angular/core';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { COMMA, ENTER } from '@angular/cdk/keycodes';
import { MatAutocompleteModule, MatAutocompleteTrigger, type MatAutocompleteSelectedEvent } from '@angular/material/autocomplete';
import { MatButtonModule } from '@angular/material/button';
import { MatChipsModule, type MatChipInputEvent } from '@angular/material/chips';
import { MAT_DIALOG_DATA, MatDialogModule, MatDialogRef } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatInputModule } from '@angular/material/input';
import { MatSelectModule } from '@angular/material/select';
import type { UserView } from '../../../../contracts/api';
import { ROLES, type Role } from '../../../../contracts/enums';
import { errorText } from '../core/api-errors';
import { UsersApi } from './users-api';
import { normalizeScopeCode } from './users-query';

export interface UserEditData {
  /** Absent: a new user. */
  user?: UserView;
  knownScopeCodes: string[];
}

/** Create a user, or change one's name, role and scopes. Closes with the saved user. */
@Component({
  selector: 'app-user-edit-dialog',
  imports: [ReactiveFormsModule, MatAutocompleteModule, MatButtonModule, MatChipsModule, MatDialogModule, MatFormFieldModule, MatIconModule, MatInputModule, MatSelectModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <h2 mat-dialog-title>{{ data.user ? 'Edit ' + data.user.name : 'New user' }}</h2>
    <mat-dialog-content>
      @if (data.user?.authProvider === 'OIDC') {
        <p class="muted" data-testid="user-oidc-note">{{ data.user?.name }} signs in through single sign-on: the identity provider's groups set
          their role and scopes again at each sign-in, so change them there to make a change last.</p>
      }
      <form [formGroup]="form" (ngSubmit)="save()" id="user-form" class="form" novalidate>
        @if (!data.user) {
          <mat-form-field>
            <mat-label>E-mail</mat-label>
            <input matInput type="email" formControlName="email" data-testid="user-email" required />
            <mat-error>Enter a valid e-mail address</mat-error>
          </mat-form-field>
        }
        <mat-form-field>
          <mat-label>Name</mat-label>
          <input matInput formControlName="name" data-testid="user-name" required maxlength="200" />
          <mat-error>A name is required</mat-error>
        </mat-form-field>
        <mat-form-field>
          <mat-label>Role</mat-label>
          <mat-select formControlName="role" data-testid="user-role-select">
            @for (role of roles; track role) { <mat-option [value]="role">{{ role }}</mat-option> }
          </mat-select>
          <mat-hint>{{ roleHint() }}</mat-hint>
        </mat-form-field>
        @if (!data.user) {
          <mat-form-field>
            <mat-label>Initial password</mat-label>
            <input matInput type="text" formControlName="password" data-testid="user-password" autocomplete="new-password" required />
            <mat-hint>12–128 characters; not their e-mail, not a common password. Tell them to change it.</mat-hint>
            <mat-error>12–128 characters</mat-error>
          </mat-form-field>
        }
        <mat-form-field>
          <mat-label>Case scopes</mat-label>
          <mat-chip-grid #grid aria-label="Case scopes">
            @for (code of scopes(); track code) {
              <mat-chip-row (removed)="removeScope(code)" data-testid="user-scope-chip">
                {{ code }}
                <button matChipRemove [attr.aria-label]="'Remove ' + code"><mat-icon svgIcon="cancel" /></button>
              </mat-chip-row>
            }
          </mat-chip-grid>
          <input #scopeInput class="chip-text" placeholder="Add a scope code" [matChipInputFor]="grid" [matAutocomplete]="auto"
                 [matChipInputSeparatorKeyCodes]="separators" (matChipInputTokenEnd)="addScope($event.value); $event.chipInput.clear()"
                 (input)="typed.set(scopeInput.value)" data-testid="user-scopes" maxlength="10" />
          <mat-autocomplete #auto (optionSelected)="pickScope($event); scopeInput.value = ''">
            @for (code of suggestions(); track code) { <mat-option [value]="code">{{ code }}</mat-option> }
          </mat-autocomplete>
          <mat-hint>{{ scopeProblem() ?? 'None: every case. Codes in use are offered; new ones are allowed (e.g. LEGAL).' }}</mat-hint>
        </mat-form-field>
        @if (scopeProblem(); as problem) { <p class="problem" role="alert">{{ problem }}</p> }
        @if (error(); as message) { <p class="problem" role="alert" data-testid="user-error">{{ message }}</p> }
      </form>
    </mat-dialog-content>
    <mat-dialog-actions align="end">
      <button mat-button mat-dialog-close>Cancel</button>
      <button mat-flat-button type="submit" form="user-form" [disabled]="saving()" data-testid="user-save">{{ data.user ? 'Save' : 'Create user' }}</button>
    </mat-dialog-actions>
  `,
  styles: `.chip-text { width: 100%; margin-top: 4px; } .form { display: flex; flex-direction: column; gap: 8px; min-width: min(440px, 80vw); } .problem { color: var(--mat-sys-error); margin: 0; }`,
})
export class UserEditDialog {
  protected readonly data = inject<UserEditData>(MAT_DIALOG_DATA);
  private readonly ref = inject(MatDialogRef<UserEditDialog, UserView>);
  private readonly api = inject(UsersApi);
  protected readonly roles = ROLES;
  protected readonly separators = [ENTER, COMMA] as const;

  protected readonly form = inject(NonNullableFormBuilder).group({
    email: ['', this.data.user ? [] : [Validators.required, Validators.email]],
    name: [this.data.user?.name ?? '', [Validators.required, Validators.maxLength(200)]],
    role: [(this.data.user?.role ?? 'VIEWER') as Role],
    password: ['', this.data.user ? [] : [Validators.required, Validators.minLength(12), Validators.maxLength(128)]],
  });
  private readonly scopeSuggestions = viewChild(MatAutocompleteTrigger);
  protected readonly scopes = signal<string[]>([...(this.data.user?.scopeCodes ?? [])]);
  protected readonly typed = signal('');
  protected readonly scopeProblem = signal<string | null>(null);
  protected readonly saving = signal(false);
  protected readonly error = signal<string | null>(null);
  protected readonly suggestions = computed(() => {
    const typed = this.typed().trim().toUpperCase();
    return this.data.knownScopeCodes.filter((c) => !this.scopes().includes(c) && c.startsWith(typed));
  });
  private readonly role = signal(this.form.controls.role.value);
  protected readonly roleHint = computed(() => ({
    ADMIN: 'Everything, including users, rules and the audit log',
    INVESTIGATOR: 'Works on cases in their scopes',
    VIEWER: 'Reads cases in their scopes',
  })[this.role()]);

  constructor() {
    this.form.controls.role.valueChanges.subscribe((r) => this.role.set(r));
  }

  protected addScope(raw: string): void {
    if (!raw.trim()) return;
    const code = normalizeScopeCode(raw);
    if (!code) {
      this.scopeProblem.set(`"${raw.trim()}" is not a scope code: a letter, then 1–9 letters or digits (e.g. FIN)`);
      return;
    }
    this.scopeProblem.set(null);
    if (!this.scopes().includes(code)) this.scopes.update((s) => [...s, code]);
    this.typed.set('');
    // With the input empty again every known code would be offered, covering the dialog's buttons.
    this.scopeSuggestions()?.closePanel();
  }

  protected pickScope(event: MatAutocompleteSelectedEvent): void {
    this.addScope(String(event.option.value));
  }

  protected removeScope(code: string): void {
    this.scopes.update((s) => s.filter((c) => c !== code));
  }

  protected save(): void {
    if (this.form.invalid || this.saving()) {
      this.form.markAllAsTouched();
      return;
    }
    const v = this.form.getRawValue();
    this.saving.set(true);
    this.error.set(null);
    const request = this.data.user
      ? this.api.update(this.data.user.id, { name: v.name.trim(), role: v.role, scopeCodes: this.scopes() })
      : this.api.create({ email: v.email.trim(), name: v.name.trim(), role: v.role, password: v.password, scopeCodes: this.scopes() });
    request.subscribe({
      next: (user) => this.ref.close(user),
      error: (err: unknown) => {
        this.saving.set(false);
        this.error.set(errorText(err));
      },
    });
  }
}
