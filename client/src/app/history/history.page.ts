import { ChangeDetectionStrategy, Component, DestroyRef, OnInit, computed, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { JsonPipe } from '@angular/common';
import { DateTimePipe } from '../core/date-time.pipe';
import { DisplaySettings } from '../core/display-settings';
import { FormControl, FormGroup, ReactiveFormsModule, Validators } from '@angular/forms';
import { ActivatedRoute, Router, RouterLink } from '@angular/router';
import { MatAutocompleteModule } from '@angular/material/autocomplete';
import { MatButtonModule } from '@angular/material/button';
import { MatCardModule } from '@angular/material/card';
import { MatDatepickerModule } from '@angular/material/datepicker';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatInputModule } from '@angular/material/input';
import { MatPaginatorModule, PageEvent } from '@angular/material/paginator';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSelectModule } from '@angular/material/select';
import { MatSnackBar } from '@angular/material/snack-bar';
import { MatTableModule } from '@angular/material/table';
import { MatTooltipModule } from '@angular/material/tooltip';
import { debounceTime, distinctUntilChanged, filter, map, switchMap } from 'rxjs';
import { errorText, httpStatus } from '../core/api-errors';
import { EnumLabelPipe } from '../core/enum-label.pipe';
import { PagedQuery } from '../core/paged-query';
import { TotalIsLowerBound } from '../core/lower-bound-total';
import { LiveSocket } from '../core/live-socket';
import { PhoneLayout } from '../core/phone-layout';
import { HistoryFilters, HistoryOutcome, WorkflowsApi } from '../workflows/workflows-api';
import { HistoryEntry, WorkflowRule } from '../workflows/workflow.models';
import { endOfDayIso, matchesHistoryFilters, outcomeOf, retriedRunIds, startOfDayIso } from './history-filters';
import { HistoryStatsCard } from './history-stats-card';
import { OpsDashboard } from './ops-dashboard';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

@Component({
  selector: 'app-history-page',
  imports: [
    DateTimePipe,
    JsonPipe,
    ReactiveFormsModule,
    RouterLink,
    MatAutocompleteModule,
    MatButtonModule,
    MatCardModule,
    MatDatepickerModule,
    MatFormFieldModule,
    MatIconModule,
    MatInputModule,
    MatPaginatorModule,
    TotalIsLowerBound,
    MatProgressBarModule,
    MatSelectModule,
    MatTableModule,
    MatTooltipModule,
    EnumLabelPipe,
    HistoryStatsCard,
    OpsDashboard,
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './history.page.html',
  styleUrl: './history.page.scss',
})
export class HistoryPage implements OnInit {
  private readonly api = inject(WorkflowsApi);
  /** Day filters are days in the zone the user reads times in. */
  private readonly display = inject(DisplaySettings);
  private readonly socket = inject(LiveSocket);
  private readonly snackBar = inject(MatSnackBar);
  private readonly route = inject(ActivatedRoute);
  private readonly router = inject(Router);
  private readonly destroyRef = inject(DestroyRef);
  /** On a phone the runs are cards (time, rule, case, outcome and what to do next), not a sideways-scrolling table. */
  protected readonly isPhone = inject(PhoneLayout).isPhone;

  protected readonly columns = ['expand', 'createdAt', 'rule', 'case', 'event', 'outcome', 'depth', 'duration', 'tools'];
  protected readonly outcomes: Exclude<HistoryOutcome, ''>[] = ['success', 'failed', 'skipped'];

  protected readonly filters = new FormGroup({
    ruleId: new FormControl('', { nonNullable: true }),
    caseId: new FormControl('', { nonNullable: true, validators: [Validators.pattern(UUID)] }),
    outcome: new FormControl<HistoryOutcome>('', { nonNullable: true }),
    caseNumber: new FormControl('', { nonNullable: true }),
    q: new FormControl('', { nonNullable: true }),
    from: new FormControl<Date | null>(null),
    to: new FormControl<Date | null>(null),
  });

  /** Rules whose name contains what is typed in the Rule field, searched on the server (there may be thousands). */
  protected readonly rules = signal<WorkflowRule[]>([]);
  protected readonly ruleSearch = new FormControl<string | WorkflowRule>('', { nonNullable: true });
  private readonly list = new PagedQuery<HistoryEntry>();
  protected readonly rows = this.list.items;
  protected readonly total = this.list.total;
  protected readonly totalIsLowerBound = this.list.totalIsLowerBound;
  protected readonly loading = this.list.loading;
  protected readonly loadFailed = this.list.loadFailed;
  protected readonly pageIndex = this.list.pageIndex;
  protected readonly pageSize = this.list.pageSize;
  protected readonly expandedId = signal<string | null>(null);
  protected readonly retrying = signal<string | null>(null);
  protected readonly exporting = signal(false);
  protected readonly freshIds = signal<ReadonlySet<string>>(new Set());
  /** Failed runs whose retry is on this page: they show "Retried" instead of a Retry button. */
  protected readonly retriedIds = computed(() => retriedRunIds(this.rows()));

  ngOnInit(): void {
    const query = this.route.snapshot.queryParamMap;
    this.filters.patchValue(
      {
        ruleId: query.get('ruleId') ?? '',
        caseId: query.get('caseId') ?? '',
        outcome: (query.get('outcome') as HistoryOutcome | null) ?? '',
        caseNumber: query.get('caseNumber') ?? '',
        q: query.get('q') ?? '',
      },
      { emitEvent: false },
    );
    const ruleId = this.filters.controls.ruleId.value;
    if (ruleId) this.api.rule(ruleId).subscribe({ next: ({ rule }) => this.ruleSearch.setValue(rule.name, { emitEvent: false }), error: () => undefined });
    this.ruleSearch.valueChanges
      .pipe(
        filter((value): value is string => typeof value === 'string'),
        map((text) => text.trim()),
        debounceTime(250),
        distinctUntilChanged(),
        switchMap((q) => this.api.rulePage({ q, limit: 20, offset: 0 })),
        takeUntilDestroyed(this.destroyRef),
      )
      .subscribe({ next: (page) => this.rules.set(page.items), error: () => undefined });
    this.api.rulePage({ limit: 20, offset: 0 }).subscribe({ next: (page) => this.rules.set(page.items), error: () => undefined });
    this.filters.valueChanges.pipe(debounceTime(300), takeUntilDestroyed(this.destroyRef)).subscribe(() => {
      if (this.filters.invalid) return;
      this.pageIndex.set(0);
      this.syncUrl();
      this.load();
    });
    this.socket
      .on('workflow:history')
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe((entry) => this.receive(entry));
    this.load();
  }

  protected load(): void {
    const filters = this.currentFilters();
    this.list.run((page) => this.api.history(filters, page));
  }

  protected onPage(event: PageEvent): void {
    this.list.moveTo(event);
    this.load();
  }

  protected readonly ruleName = (value: string | WorkflowRule | null): string => (typeof value === 'string' ? value : (value?.name ?? ''));

  protected chooseRule(rule: WorkflowRule): void {
    this.ruleSearch.setValue(rule.name, { emitEvent: false });
    this.filters.patchValue({ ruleId: rule.id });
  }

  protected clearRule(): void {
    this.ruleSearch.setValue('');
    this.filters.patchValue({ ruleId: '' });
  }

  protected clearFilters(): void {
    this.ruleSearch.setValue('');
    this.filters.reset({ ruleId: '', caseId: '', outcome: '', caseNumber: '', q: '', from: null, to: null });
  }

  /** Downloads every run matching the current filters (not just this page) as CSV. */
  protected exportCsv(): void {
    this.exporting.set(true);
    this.api.exportHistory(this.currentFilters()).subscribe({
      next: (blob) => {
        this.exporting.set(false);
        const url = URL.createObjectURL(blob);
        const link = document.createElement('a');
        link.href = url;
        link.download = `workflow-history-${new Date().toISOString().slice(0, 10)}.csv`;
        link.click();
        setTimeout(() => URL.revokeObjectURL(url), 10_000);
      },
      error: (err: unknown) => {
        this.exporting.set(false);
        this.snackBar.open(`Export failed: ${errorText(err)}`, 'Dismiss');
      },
    });
  }

  /** From the dashboard's "Rules failing most": the table lists that rule's failed runs. */
  protected showFailuresOf(ruleId: string): void {
    this.api.rule(ruleId).subscribe({ next: ({ rule }) => this.ruleSearch.setValue(rule.name, { emitEvent: false }), error: () => undefined });
    this.filters.patchValue({ ruleId, outcome: 'failed' });
  }

  protected filterByCase(caseId: string | null): void {
    if (caseId) this.filters.patchValue({ caseId });
  }

  protected toggle(row: HistoryEntry): void {
    this.expandedId.update((id) => (id === row.id ? null : row.id));
  }

  protected outcome(row: HistoryEntry): string {
    return outcomeOf(row);
  }

  protected retry(row: HistoryEntry, event: Event): void {
    event.stopPropagation();
    this.retrying.set(row.id);
    this.api.retry(row.id).subscribe({
      next: (created) => {
        this.retrying.set(null);
        this.receive(created);
        this.snackBar.open(`Retried: the new run ${created.success ? 'succeeded' : 'failed again'}`, undefined, {
          duration: 4000,
        });
      },
      error: (err: unknown) => {
        this.retrying.set(null);
        const message =
          httpStatus(err) === 409 ? 'This run already succeeded or was retried.' : `Retry failed: ${errorText(err)}`;
        this.snackBar.open(message, 'Dismiss', { duration: 6000 });
      },
    });
  }

  /** A row pushed over the socket (or returned by a retry): prepend it when page 1 is showing and it fits the filters. */
  private receive(entry: HistoryEntry): void {
    if (this.pageIndex() !== 0 || !matchesHistoryFilters(entry, this.currentFilters())) return;
    if (this.rows().some((r) => r.id === entry.id)) return;
    this.rows.update((rows) => [entry, ...rows].slice(0, this.pageSize()));
    this.total.update((total) => total + 1);
    this.freshIds.update((ids) => new Set([...ids, entry.id]));
    setTimeout(() => this.freshIds.update((ids) => new Set([...ids].filter((id) => id !== entry.id))), 4000);
  }

  private currentFilters(): HistoryFilters {
    const raw = this.filters.getRawValue();
    return {
      ruleId: raw.ruleId || undefined,
      caseId: UUID.test(raw.caseId.trim()) ? raw.caseId.trim() : undefined,
      outcome: raw.outcome,
      caseNumber: raw.caseNumber.trim() || undefined,
      q: raw.q.trim() || undefined,
      from: startOfDayIso(raw.from, this.display.timeZone()),
      to: endOfDayIso(raw.to, this.display.timeZone()),
    };
  }

  private syncUrl(): void {
    const raw = this.filters.getRawValue();
    void this.router.navigate([], {
      relativeTo: this.route,
      replaceUrl: true,
      queryParams: {
        ruleId: raw.ruleId || null, caseId: raw.caseId || null, outcome: raw.outcome || null,
        caseNumber: raw.caseNumber.trim() || null, q: raw.q.trim() || null,
      },
    });
  }
}
