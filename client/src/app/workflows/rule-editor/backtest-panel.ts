import { DateTimePipe } from '../../core/date-time.pipe';
import { DecimalPipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, DestroyRef, computed, inject, input, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { FormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSelectModule } from '@angular/material/select';
import { RouterLink } from '@angular/router';
import { filter } from 'rxjs';
import type { BacktestProgress, BacktestResult } from '../../../../../contracts/workflows';
import { RequestState } from '../../core/request-state';
import { EnumLabelPipe } from '../../core/enum-label.pipe';
import { LiveSocket } from '../../core/live-socket';
import { WorkflowsApi } from '../workflows-api';
import { RuleRequest } from '../workflow.models';
import { actionRows, dayBars, headline, progressPct } from './backtest-summary';

/**
 * "What would this rule have done over the last N days?": POST /workflows/rules/backtest for the saved rule,
 * or for the editor's body when it has unsaved edits. The answer is synchronous; while it runs, the server
 * pushes progress to this user's sockets under a progress id the panel made up.
 */
@Component({
  selector: 'app-backtest-panel',
  imports: [DateTimePipe, DecimalPipe, FormsModule, RouterLink, MatButtonModule, MatFormFieldModule, MatIconModule, MatProgressBarModule, MatSelectModule, EnumLabelPipe],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './backtest-panel.html',
  styleUrl: './backtest-panel.scss',
})
export class BacktestPanel {
  private readonly workflows = inject(WorkflowsApi);
  private readonly socket = inject(LiveSocket);
  private readonly destroyRef = inject(DestroyRef);

  readonly ruleId = input<string | null>(null);
  readonly hasUnsavedChanges = input(false);
  readonly draft = input.required<() => RuleRequest | null>();

  protected readonly dayChoices = [1, 2, 3, 7, 14, 30];
  protected days = 7;
  private readonly outcome = new RequestState<BacktestResult>();
  protected readonly running = this.outcome.running.asReadonly();
  protected readonly progress = signal<BacktestProgress | null>(null);
  protected readonly result = this.outcome.result.asReadonly();
  protected readonly error = this.outcome.error.asReadonly();
  private progressId: string | null = null;

  protected readonly percent = computed(() => progressPct(this.progress()));
  protected readonly bars = computed(() => dayBars(this.result()?.perDay ?? []));
  protected readonly actions = computed(() => actionRows(this.result()?.actionCounts ?? {}));
  protected readonly lines = computed(() => { const r = this.result(); return r ? headline(r) : []; });

  constructor() {
    this.socket.on('workflow:backtest-progress')
      .pipe(filter((p) => p.progressId === this.progressId), takeUntilDestroyed(this.destroyRef))
      .subscribe((p) => this.progress.set(p));
  }

  protected run(): void {
    const ruleId = this.ruleId();
    let target: { ruleId: string } | { rule: RuleRequest };
    if (ruleId && !this.hasUnsavedChanges()) target = { ruleId };
    else {
      const body = this.draft()();
      if (!body) {
        this.outcome.refuse('Some fields of the rule need attention before it can be backtested — see the Rule tab.');
        return;
      }
      target = { rule: body };
    }
    this.progressId = typeof crypto.randomUUID === 'function' ? crypto.randomUUID() : `bt-${Date.now()}-${Math.random()}`;
    this.progress.set(null);
    this.outcome.run(this.workflows.backtest(target, this.days, this.progressId));
  }
}
