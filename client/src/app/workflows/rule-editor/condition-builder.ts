import { ChangeDetectionStrategy, Component, computed, effect, inject, input, untracked } from '@angular/core';
import { FormArray, ReactiveFormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatInputModule } from '@angular/material/input';
import { MatSelectModule } from '@angular/material/select';
import { MatTooltipModule } from '@angular/material/tooltip';
import { ChipListInput, ChipNormalizer, uppercaseChip } from '../../core/chip-list-input';
import { EnumLabelPipe } from '../../core/enum-label.pipe';
import { UsersDirectory } from '../../core/users-directory';
import { WorkflowMeta } from '../workflow.models';
import { ValueKind, opLabel, fieldMeta, opsForField, valueForKind, valueKindFor } from './condition-ops';
import { ConditionForm, applyConditionValueRule, createConditionForm } from './rule-form';

const trimOnly: ChipNormalizer = (raw) => raw.trim();

/** Rows of field / op / value; the op list fits the field and the value editor fits both. */
@Component({
  selector: 'app-condition-builder',
  imports: [
    ReactiveFormsModule,
    MatButtonModule,
    MatFormFieldModule,
    MatIconModule,
    MatInputModule,
    MatSelectModule,
    MatTooltipModule,
    ChipListInput,
    EnumLabelPipe,
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './condition-builder.html',
  styleUrl: './condition-builder.scss',
})
export class ConditionBuilder {
  protected readonly users = inject(UsersDirectory);

  readonly conditions = input.required<FormArray<ConditionForm>>();
  readonly meta = input.required<WorkflowMeta>();
  readonly required = input(false);

  protected readonly fields = computed(() => this.meta().conditionFields.map((f) => f.field));
  protected readonly opLabel = opLabel;

  constructor() {
    // Value rules depend on meta (which may arrive after the form) and on the rows the form has.
    effect(() => {
      const rows = this.conditions();
      const meta = this.meta();
      untracked(() => rows.controls.forEach((row) => applyConditionValueRule(row, meta)));
    });
  }

  protected ops(row: ConditionForm): string[] {
    return opsForField(row.controls.field.value, this.meta());
  }

  protected kind(row: ConditionForm): ValueKind {
    return valueKindFor(fieldMeta(row.controls.field.value, this.meta()), row.controls.op.value);
  }

  protected enumValues(row: ConditionForm): readonly string[] {
    return fieldMeta(row.controls.field.value, this.meta())?.values ?? [];
  }

  protected listNormalizer(row: ConditionForm): ChipNormalizer {
    return row.controls.field.value === 'scopeCode' ? uppercaseChip : trimOnly;
  }

  protected add(): void {
    const row = createConditionForm({ field: 'status', op: 'eq', value: null });
    applyConditionValueRule(row, this.meta());
    this.conditions().push(row);
    this.conditions().markAsDirty();
  }

  protected remove(index: number): void {
    this.conditions().removeAt(index);
    this.conditions().markAsDirty();
  }

  /** A new field: keep the op if it still fits, else take the first that does; the old value means nothing now. */
  protected fieldChanged(row: ConditionForm): void {
    const ops = this.ops(row);
    if (!ops.includes(row.controls.op.value)) row.controls.op.setValue(ops[0] ?? '');
    this.reshapeValue(row, true);
  }

  /** A new op on the same field: keep the value where it still fits (e.g. one value → a list of it). */
  protected opChanged(row: ConditionForm): void {
    this.reshapeValue(row, false);
  }

  private reshapeValue(row: ConditionForm, fieldChanged: boolean): void {
    const kind = this.kind(row);
    const current = row.controls.value.value;
    row.controls.value.setValue(valueForKind(kind, fieldChanged ? null : current));
    applyConditionValueRule(row, this.meta());
  }
}
