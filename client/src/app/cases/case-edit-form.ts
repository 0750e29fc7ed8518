import { ChangeDetectionStrategy, Component, OnInit, effect, inject, input, output, signal, untracked } from '@angular/core';
import { NonNullableFormBuilder, ReactiveFormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatDatepickerModule } from '@angular/material/datepicker';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatInputModule } from '@angular/material/input';
import { MatSelectModule } from '@angular/material/select';
import { MatSnackBar } from '@angular/material/snack-bar';
import { CASE_STATUSES, SEVERITIES, type CaseStatus, type Severity } from '../../../../contracts/enums';
import { errorMessages } from '../core/api-errors';
import { ChipListInput } from '../core/chip-list-input';
import { EnumLabelPipe } from '../core/enum-label.pipe';
import { applyServerErrors, resolveInside } from '../core/server-validation';
import { UsersDirectory } from '../core/users-directory';
import { CasesApi } from './cases-api';
import type { CaseView, UpdateCaseRequest } from '../../../../contracts/api';
import { fromIsoDate, toDateOnly } from './case-dates';

export interface CaseEditValue {
  status: CaseStatus;
  severity: Severity;
  assigneeId: string;
  tags: string[];
  dueDate: Date | null;
}

/** Only what differs from the case as loaded, ready for PATCH /cases/:id. */
export function caseChanges(original: CaseView, value: CaseEditValue): UpdateCaseRequest {
  const changes: UpdateCaseRequest = {};
  if (value.status !== original.status) changes.status = value.status;
  if (value.severity !== original.severity) changes.severity = value.severity;
  if ((value.assigneeId || null) !== (original.assigneeId ?? null)) changes.assigneeId = value.assigneeId || null;
  if (value.tags.join('\u0000') !== original.tags.join('\u0000')) changes.tags = value.tags;
  const due = value.dueDate ? toDateOnly(value.dueDate) : null;
  const originalDue = original.dueDate ? toDateOnly(fromIsoDate(original.dueDate)!) : null;
  if (due !== originalDue) changes.dueDate = due;
  return changes;
}

@Component({
  selector: 'app-case-edit-form',
  imports: [
    ReactiveFormsModule,
    MatButtonModule,
    MatDatepickerModule,
    MatFormFieldModule,
    MatIconModule,
    MatInputModule,
    MatSelectModule,
    ChipListInput,
    EnumLabelPipe,
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './case-edit-form.html',
  styles: `
    form { padding-top: 8px; display: grid; grid-template-columns: repeat(auto-fill, minmax(200px, 1fr)); gap: 4px 12px; align-items: start; }
    .full { grid-column: 1 / -1; }
    .actions { display: flex; gap: 8px; justify-content: flex-end; grid-column: 1 / -1; }
  `,
})
export class CaseEditForm implements OnInit {
  private readonly api = inject(CasesApi);
  private readonly snackBar = inject(MatSnackBar);
  protected readonly users = inject(UsersDirectory);

  readonly case = input.required<CaseView>();
  readonly readOnly = input(false);
  readonly saved = output<CaseView>();

  protected readonly statuses = CASE_STATUSES;
  protected readonly severities = SEVERITIES;
  protected readonly saving = signal(false);
  protected readonly formErrors = signal<string[]>([]);

  protected readonly form = inject(NonNullableFormBuilder).group({
    status: ['OPEN' as CaseStatus],
    severity: ['MEDIUM' as Severity],
    assigneeId: [''],
    tags: [[] as string[]],
    dueDate: [null as Date | null],
  });

  constructor() {
    // Follow the case (also live updates) unless the user is in the middle of editing.
    effect(() => {
      const current = this.case();
      untracked(() => {
        if (!this.form.dirty) this.resetTo(current);
      });
    });
    effect(() => {
      const readOnly = this.readOnly();
      untracked(() => (readOnly ? this.form.disable() : this.form.enable()));
    });
  }

  ngOnInit(): void {
    this.users.ensureLoaded();
  }

  protected discard(): void {
    this.resetTo(this.case());
    this.formErrors.set([]);
  }

  protected save(): void {
    const changes = caseChanges(this.case(), this.form.getRawValue());
    if (Object.keys(changes).length === 0) {
      this.form.markAsPristine();
      return;
    }
    this.saving.set(true);
    this.formErrors.set([]);
    this.api.update(this.case().id, changes).subscribe({
      next: (updated) => {
        this.saving.set(false);
        this.resetTo(updated);
        this.saved.emit(updated);
        this.snackBar.open(`${updated.caseNumber} saved`, undefined, { duration: 3000 });
      },
      error: (err: unknown) => {
        this.saving.set(false);
        this.formErrors.set(applyServerErrors(errorMessages(err), resolveInside(this.form)));
      },
    });
  }

  private resetTo(current: CaseView): void {
    this.form.reset({
      status: current.status,
      severity: current.severity,
      assigneeId: current.assigneeId ?? '',
      tags: [...current.tags],
      dueDate: fromIsoDate(current.dueDate),
    });
  }
}
