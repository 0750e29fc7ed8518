import { ChangeDetectionStrategy, Component, DestroyRef, OnInit, computed, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { DateTimePipe } from '../core/date-time.pipe';
import { FormsModule } from '@angular/forms';
import { RouterLink } from '@angular/router';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatInputModule } from '@angular/material/input';
import { MatPaginatorModule, PageEvent } from '@angular/material/paginator';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSelectModule } from '@angular/material/select';
import { MatSlideToggle, MatSlideToggleModule } from '@angular/material/slide-toggle';
import { MatSnackBar } from '@angular/material/snack-bar';
import { MatTableModule } from '@angular/material/table';
import { MatTooltipModule } from '@angular/material/tooltip';
import { Subject, debounceTime, distinctUntilChanged, forkJoin, from, map, mergeMap, tap } from 'rxjs';
import { errorText } from '../core/api-errors';
import { EnumLabelPipe } from '../core/enum-label.pipe';
import { LiveSocket } from '../core/live-socket';
import { PagedQuery } from '../core/paged-query';
import { describeTrigger } from './trigger-summary';
import { WorkflowsApi } from './workflows-api';
import { HistoryEntry, TRIGGER_TYPES, WorkflowRule } from './workflow.models';

export interface RuleRunStats {
  lastRun: HistoryEntry | null;
  failures: number;
}

@Component({
  selector: 'app-rule-list-page',
  imports: [
    DateTimePipe,
    FormsModule,
    RouterLink,
    MatButtonModule,
    MatFormFieldModule,
    MatIconModule,
    MatInputModule,
    MatPaginatorModule,
    MatProgressBarModule,
    MatSelectModule,
    MatSlideToggleModule,
    MatTableModule,
    MatTooltipModule,
    EnumLabelPipe,
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './rule-list.page.html',
  styleUrl: './rule-list.page.scss',
})
export class RuleListPage implements OnInit {
  private readonly api = inject(WorkflowsApi);
  private readonly snackBar = inject(MatSnackBar);
  private readonly socket = inject(LiveSocket);
  private readonly destroyRef = inject(DestroyRef);

  protected readonly triggerTypes = TRIGGER_TYPES;
  protected readonly columns = ['enabled', 'name', 'trigger', 'priority', 'actions', 'lastRun', 'failures'];
  /** One page of rules, searched and filtered by the server (an installation may have thousands). */
  private readonly list = new PagedQuery<WorkflowRule>();
  protected readonly rules = this.list.items;
  protected readonly total = this.list.total;
  protected readonly loading = this.list.loading;
  protected readonly loadFailed = this.list.loadFailed;
  protected readonly pageIndex = this.list.pageIndex;
  protected readonly pageSize = this.list.pageSize;
  protected readonly stats = signal<Record<string, RuleRunStats>>({});
  protected readonly toggling = signal<string | null>(null);
  protected readonly resuming = signal<string | null>(null);
  protected readonly importing = signal(false);
  protected readonly search = signal('');
  protected readonly triggerFilter = signal('');
  protected readonly filtered = computed(() => !!this.search().trim() || !!this.triggerFilter());
  private readonly searchTyped = new Subject<string>();

  ngOnInit(): void {
    this.pageSize.set(50);
    this.load();
    // The server searches as the admin types (after a pause), from the first page.
    this.searchTyped
      .pipe(debounceTime(300), distinctUntilChanged(), takeUntilDestroyed(this.destroyRef))
      .subscribe(() => this.firstPage());
    // A new run changes "last run" / "failures" of its rule.
    this.socket
      .on('workflow:history')
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe((entry) => this.applyRun(entry));
    // The circuit breaker tells every admin when it pauses a rule: show the pause without a reload.
    this.socket
      .on('notification')
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe((n) => {
        if (n.entityType === 'rule' && n.entityId && this.rules().some((r) => r.id === n.entityId)) this.reloadRule(n.entityId);
      });
  }

  private reloadRule(ruleId: string): void {
    this.api.rule(ruleId).subscribe({
      next: ({ rule }) => this.rules.update((rules) => rules.map((r) => (r.id === rule.id ? rule : r))),
      error: () => undefined, // deleted meanwhile: the next load drops it
    });
  }

  protected load(): void {
    const q = this.search().trim();
    const triggerType = this.triggerFilter() || undefined;
    this.list.run((page) => {
      const request = this.api.rulePage({ ...page, q, triggerType });
      return request.pipe(
        tap((res) => {
          this.stats.set({});
          this.loadStats(res.items);
        }),
      );
    });
  }

  protected onSearch(text: string): void {
    this.search.set(text);
    this.searchTyped.next(text.trim());
  }

  protected onTrigger(type: string): void {
    this.triggerFilter.set(type);
    this.firstPage();
  }

  protected onPage(event: PageEvent): void {
    this.list.moveTo(event);
    this.load();
  }

  private firstPage(): void {
    this.pageIndex.set(0);
    this.load();
  }

  /** Downloads every rule as a JSON file that "Import JSON" (here or on another installation) takes back. */
  protected exportRules(): void {
    this.api.exportRules().subscribe({
      next: (body) => {
        const url = URL.createObjectURL(new Blob([JSON.stringify(body, null, 2)], { type: 'application/json' }));
        const link = document.createElement('a');
        link.href = url;
        link.download = `auditcaseos-rules-${new Date().toISOString().slice(0, 10)}.json`;
        link.click();
        setTimeout(() => URL.revokeObjectURL(url), 1000);
      },
      error: (err: unknown) => this.snackBar.open(`Export failed: ${errorText(err)}`, 'Dismiss'),
    });
  }

  protected async importRules(input: HTMLInputElement): Promise<void> {
    const file = input.files?.[0];
    input.value = '';
    if (!file) return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(await file.text());
    } catch {
      this.snackBar.open(`${file.name} is not JSON`, 'Dismiss');
      return;
    }
    this.importing.set(true);
    this.api.importRules(parsed).subscribe({
      next: (res) => {
        this.importing.set(false);
        this.snackBar.open(`Imported ${res.total} rule${res.total === 1 ? '' : 's'}`, undefined, { duration: 3000 });
        this.load();
      },
      error: (err: unknown) => {
        this.importing.set(false);
        this.snackBar.open(`Nothing imported: ${errorText(err)}`, 'Dismiss');
      },
    });
  }

  /** The analysis' sentences for the tooltip and the screen reader. */
  protected warningText(rule: WorkflowRule): string {
    return (rule.warnings ?? []).map((w) => w.message).join('\n');
  }

  /** Enabling or disabling one rule can start or end a loop through others: this page's warnings are re-read. */
  private refreshWarnings(): void {
    const page = { limit: this.pageSize(), offset: this.pageIndex() * this.pageSize() };
    this.api.rulePage({ ...page, q: this.search().trim(), triggerType: this.triggerFilter() || undefined }).pipe(map((res) => res.items)).subscribe({
      next: (fresh) => {
        const byId = new Map(fresh.map((r) => [r.id, r.warnings ?? []]));
        this.rules.update((rules) => rules.map((r) => ({ ...r, warnings: byId.get(r.id) ?? r.warnings })));
      },
      error: () => undefined, // the list keeps the warnings it had; the next load brings them up to date
    });
  }

  protected summary(rule: WorkflowRule): string {
    return describeTrigger(rule.triggerType, rule.triggerConfig);
  }

  protected toggle(rule: WorkflowRule, toggleControl: MatSlideToggle): void {
    this.toggling.set(rule.id);
    this.api.toggleRule(rule.id).subscribe({
      next: (updated) => {
        this.toggling.set(null);
        this.rules.update((rules) => rules.map((r) => (r.id === updated.id ? { ...r, ...updated } : r)));
        this.snackBar.open(`${updated.name} ${updated.isEnabled ? 'enabled' : 'disabled'}`, undefined, { duration: 2500 });
        this.refreshWarnings();
      },
      error: (err: unknown) => {
        this.toggling.set(null);
        toggleControl.checked = rule.isEnabled; // back to what the server has
        this.snackBar.open(`Could not switch ${rule.name}: ${errorText(err)}`, 'Dismiss');
      },
    });
  }

  /** Ends a pause of the circuit breaker: the rule runs again from its next event or tick. */
  protected resume(rule: WorkflowRule): void {
    this.resuming.set(rule.id);
    this.api.resumeRule(rule.id).subscribe({
      next: (updated) => {
        this.resuming.set(null);
        this.rules.update((rules) => rules.map((r) => (r.id === updated.id ? { ...r, ...updated } : r)));
        this.snackBar.open(`${updated.name} resumed`, undefined, { duration: 2500 });
        this.refreshWarnings();
      },
      error: (err: unknown) => {
        this.resuming.set(null);
        this.snackBar.open(`Could not resume ${rule.name}: ${errorText(err)}`, 'Dismiss');
        this.load();
      },
    });
  }

  /** Last run and failure count per rule: two one-row history queries per rule, four rules at a time. */
  private loadStats(rules: WorkflowRule[]): void {
    from(rules)
      .pipe(
        mergeMap(
          (rule) =>
            forkJoin({
              last: this.api.history({ ruleId: rule.id }, { limit: 1, offset: 0 }),
              failed: this.api.history({ ruleId: rule.id, outcome: 'failed' }, { limit: 1, offset: 0 }),
            }).pipe(
              mergeMap(async ({ last, failed }) => ({
                ruleId: rule.id,
                stats: { lastRun: last.items[0] ?? null, failures: failed.total } satisfies RuleRunStats,
              })),
            ),
          4,
        ),
        takeUntilDestroyed(this.destroyRef),
      )
      .subscribe({
        next: ({ ruleId, stats }) => this.stats.update((all) => ({ ...all, [ruleId]: stats })),
        error: () => undefined,
      });
  }

  private applyRun(entry: HistoryEntry): void {
    if (!entry.ruleId) return;
    const ruleId = entry.ruleId;
    this.stats.update((all) => {
      const current = all[ruleId] ?? { lastRun: null, failures: 0 };
      const failed = !entry.success && !entry.skippedReason;
      return { ...all, [ruleId]: { lastRun: entry, failures: current.failures + (failed ? 1 : 0) } };
    });
  }
}
