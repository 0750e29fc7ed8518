import { ChangeDetectionStrategy, Component, input } from '@angular/core';
import { ReactiveFormsModule } from '@angular/forms';
import { MatAutocompleteModule } from '@angular/material/autocomplete';
import { MatButtonToggleModule } from '@angular/material/button-toggle';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatSelectModule } from '@angular/material/select';
import { EnumLabelPipe } from '../../core/enum-label.pipe';
import { TriggerType, WorkflowMeta } from '../workflow.models';
import { ConditionBuilder } from './condition-builder';
import { CronPreview } from './cron-preview';
import { RuleForm, applyTriggerType } from './rule-form';

/** Every IANA zone the browser knows (the server validates the same names). */
const TIME_ZONES: readonly string[] = ['UTC', ...Intl.supportedValuesOf('timeZone').filter((z) => z !== 'UTC')];

const TRIGGER_HELP: Record<TriggerType, string> = {
  STATUS_CHANGE: 'Runs when a case moves between statuses.',
  EVENT: 'Runs on an event of the case (created, updated, tagged, evidence uploaded…).',
  CONDITION: 'Runs once when a case starts matching the conditions (not again while it keeps matching).',
  TIME_BASED: 'On a schedule, acts on every case matching the conditions (once per case until it stops matching).',
};

/** Trigger kind select and the editor of the chosen kind. */
@Component({
  selector: 'app-trigger-editor',
  imports: [
    ReactiveFormsModule,
    MatAutocompleteModule,
    MatButtonToggleModule,
    MatFormFieldModule,
    MatInputModule,
    MatSelectModule,
    EnumLabelPipe,
    ConditionBuilder,
    CronPreview,
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './trigger-editor.html',
  styles: `
    .kind { display: flex; flex-wrap: wrap; gap: 0 16px; align-items: baseline; }
    .kind mat-form-field { width: 240px; }
    .help { margin: 0 0 12px; }
    .pair { display: flex; flex-wrap: wrap; gap: 0 12px; }
    .pair mat-form-field { flex: 1 1 260px; }
    .cron { width: 100%; max-width: 420px; margin-right: 12px; }
    .zone { width: 260px; }
    h3 { font: var(--mat-sys-title-small); margin: 12px 0 8px; }
    .match { margin: 0 0 12px; display: flex; align-items: center; gap: 12px; }
  `,
})
export class TriggerEditor {
  readonly form = input.required<RuleForm>();
  readonly meta = input.required<WorkflowMeta>();

  protected help(type: TriggerType): string {
    return TRIGGER_HELP[type] ?? '';
  }

  protected zoneOptions(typed: string): string[] {
    const q = typed.trim().toLowerCase();
    return (q ? TIME_ZONES.filter((z) => z.toLowerCase().includes(q)) : TIME_ZONES).slice(0, 50);
  }

  /** The server's objection to the schedule ("cron: …" or "timeZone: …") marks the field it names. */
  protected scheduleProblem(problem: string | null): void {
    const t = this.form().controls.trigger.controls;
    for (const [control, key, prefix] of [[t.cron, 'cron', 'cron:'], [t.timeZone, 'zone', 'timeZone:']] as const) {
      const mine = problem?.split('; ').filter((m) => m.startsWith(prefix)).map((m) => m.slice(prefix.length).trim()).join('; ');
      if (mine) {
        control.setErrors({ ...(control.errors ?? {}), [key]: mine });
        control.markAsTouched();
      } else if (control.hasError(key)) {
        control.updateValueAndValidity({ emitEvent: false });
      }
    }
  }

  protected typeChanged(): void {
    applyTriggerType(this.form());
  }
}
