import { ChangeDetectionStrategy, Component, OnInit, inject, signal } from '@angular/core';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatDatepickerModule } from '@angular/material/datepicker';
import { MatDialogModule, MatDialogRef } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSelectModule } from '@angular/material/select';
import { AuthSession } from '../auth/auth-session';
import { CASE_TYPES, SEVERITIES, type CaseType, type Severity } from '../../../../contracts/enums';
import { errorMessages } from '../core/api-errors';
import { ChipListInput } from '../core/chip-list-input';
import { EnumLabelPipe } from '../core/enum-label.pipe';
import { applyServerErrors, resolveInside } from '../core/server-validation';
import { UsersDirectory } from '../core/users-directory';
import { CasesApi } from './cases-api';
import type { CreateCaseRequest } from '../../../../contracts/api';
import { toDateOnly } from './case-dates';

export const SCOPE_CODE_PATTERN = /^[A-Z][A-Z0-9]{1,9}$/;

@Component({
  selector: 'app-new-case-dialog',
  imports: [
    ReactiveFormsModule,
    MatButtonModule,
    MatDatepickerModule,
    MatDialogModule,
    MatFormFieldModule,
    MatInputModule,
    MatProgressBarModule,
    MatSelectModule,
    ChipListInput,
    EnumLabelPipe,
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './new-case.dialog.html',
  styles: `
    .grid { display: grid; grid-template-columns: 1fr 1fr; gap: 4px 12px; padding-top: 8px; }
    .full { grid-column: 1 / -1; }
  `,
})
export class NewCaseDialog implements OnInit {
  private readonly api = inject(CasesApi);
  private readonly dialogRef = inject<MatDialogRef<NewCaseDialog>>(MatDialogRef);
  private readonly session = inject(AuthSession);
  protected readonly users = inject(UsersDirectory);

  protected readonly caseTypes = CASE_TYPES;
  protected readonly severities = SEVERITIES;
  protected readonly saving = signal(false);
  protected readonly formErrors = signal<string[]>([]);

  protected readonly form = inject(NonNullableFormBuilder).group({
    title: ['', [Validators.required, Validators.maxLength(200)]],
    description: [''],
    caseType: ['AUDIT' as CaseType, Validators.required],
    scopeCode: [this.defaultScope(), [Validators.required, Validators.pattern(SCOPE_CODE_PATTERN)]],
    severity: ['MEDIUM' as Severity],
    assigneeId: [''],
    tags: [[] as string[]],
    dueDate: [null as Date | null],
  });

  ngOnInit(): void {
    this.users.ensureLoaded();
  }

  protected save(): void {
    if (this.form.invalid || this.saving()) {
      this.form.markAllAsTouched();
      return;
    }
    const value = this.form.getRawValue();
    const request: CreateCaseRequest = {
      title: value.title.trim(),
      caseType: value.caseType,
      scopeCode: value.scopeCode.trim().toUpperCase(),
      severity: value.severity,
    };
    if (value.description.trim()) request.description = value.description.trim();
    if (value.assigneeId) request.assigneeId = value.assigneeId;
    if (value.tags.length) request.tags = value.tags;
    if (value.dueDate) request.dueDate = toDateOnly(value.dueDate);

    this.saving.set(true);
    this.formErrors.set([]);
    this.api.create(request).subscribe({
      next: (created) => this.dialogRef.close(created),
      error: (err: unknown) => {
        this.saving.set(false);
        this.formErrors.set(applyServerErrors(errorMessages(err), resolveInside(this.form)));
      },
    });
  }

  private defaultScope(): string {
    const scopes = this.session.user()?.scopeCodes ?? [];
    return scopes.length === 1 ? scopes[0] : '';
  }
}
