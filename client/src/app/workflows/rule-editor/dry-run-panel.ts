import { ChangeDetectionStrategy, Component, DestroyRef, OnInit, inject, input, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { FormControl, NonNullableFormBuilder, ReactiveFormsModule } from '@angular/forms';
import { MatAutocompleteModule } from '@angular/material/autocomplete';
import { MatButtonModule } from '@angular/material/button';
import { MatCheckboxModule } from '@angular/material/checkbox';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSelectModule } from '@angular/material/select';
import { catchError, debounceTime, distinctUntilChanged, filter, of, switchMap } from 'rxjs';
import { CasesApi } from '../../cases/cases-api';
import type { CaseView as Case } from '../../../../../contracts/api';
import { CaseStatus, EventName } from '../../../../../contracts/enums';
import { RequestState } from '../../core/request-state';
import { EnumLabelPipe } from '../../core/enum-label.pipe';
import { WorkflowsApi } from '../workflows-api';
import { DryRunRequest, DryRunResult, RuleRequest, WorkflowMeta } from '../workflow.models';

/**
 * A dry run against a real case: would the rule as it is in the editor match, and what would it do?
 * An unsaved or edited rule goes to POST /rules/test with its body; a saved rule without edits to /rules/:id/test.
 */
@Component({
  selector: 'app-dry-run-panel',
  imports: [
    ReactiveFormsModule,
    MatAutocompleteModule,
    MatButtonModule,
    MatCheckboxModule,
    MatFormFieldModule,
    MatIconModule,
    MatInputModule,
    MatProgressBarModule,
    MatSelectModule,
    EnumLabelPipe,
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './dry-run-panel.html',
  styleUrl: './dry-run-panel.scss',
})
export class DryRunPanel implements OnInit {
  private readonly cases = inject(CasesApi);
  private readonly workflows = inject(WorkflowsApi);
  private readonly destroyRef = inject(DestroyRef);

  /** The saved rule's id; null for a rule that was never saved. */
  readonly ruleId = input<string | null>(null);
  readonly meta = input.required<WorkflowMeta>();
  /** True when the editor has unsaved changes: the dry run then tests the editor's content. */
  readonly hasUnsavedChanges = input(false);
  /** The editor's current rule body, or null while the form has invalid fields. */
  readonly draft = input.required<() => RuleRequest | null>();

  protected readonly caseSearch = new FormControl<string | Case>('', { nonNullable: true });
  protected readonly eventForm = inject(NonNullableFormBuilder).group({
    simulate: [false],
    name: ['case.status_changed' as EventName],
    fromStatus: ['' as CaseStatus | ''],
    toStatus: ['' as CaseStatus | ''],
  });
  protected readonly suggestions = signal<Case[]>([]);
  private readonly outcome = new RequestState<DryRunResult>();
  protected readonly running = this.outcome.running.asReadonly();
  protected readonly result = this.outcome.result.asReadonly();
  protected readonly error = this.outcome.error.asReadonly();

  ngOnInit(): void {
    this.caseSearch.valueChanges
      .pipe(
        filter((value): value is string => typeof value === 'string'),
        debounceTime(250),
        distinctUntilChanged(),
        switchMap((q) =>
          this.cases.list({ q: q.trim() }, { limit: 10, offset: 0 }).pipe(catchError(() => of({ items: [], total: 0 }))),
        ),
        takeUntilDestroyed(this.destroyRef),
      )
      .subscribe((res) => this.suggestions.set(res.items));
    this.caseSearch.setValue('');
  }

  protected displayCase(value: Case | string | null): string {
    if (!value) return '';
    return typeof value === 'string' ? value : `${value.caseNumber} — ${value.title}`;
  }

  protected selectedCase(): Case | null {
    const value = this.caseSearch.value;
    return typeof value === 'object' ? value : null;
  }

  protected run(): void {
    const picked = this.selectedCase();
    if (!picked) return;
    const request: DryRunRequest = { caseId: picked.id };
    const event = this.eventForm.getRawValue();
    if (event.simulate) {
      request.event = { name: event.name };
      if (event.name === 'case.status_changed') {
        if (event.fromStatus) request.event.fromStatus = event.fromStatus;
        if (event.toStatus) request.event.toStatus = event.toStatus;
      }
    }
    const ruleId = this.ruleId();
    let call;
    if (ruleId && !this.hasUnsavedChanges()) {
      call = this.workflows.dryRun(ruleId, request);
    } else {
      const body = this.draft()();
      if (!body) {
        this.outcome.refuse('Some fields of the rule need attention before it can be tested — see the Rule tab.');
        return;
      }
      call = this.workflows.dryRunDraft(body, request);
    }
    this.outcome.run(call);
  }
}
