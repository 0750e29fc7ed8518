import { ChangeDetectionStrategy, Component, DestroyRef, OnInit, computed, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { DecimalPipe } from '@angular/common';
import { DateTimePipe } from '../core/date-time.pipe';
import { MatCardModule } from '@angular/material/card';
import { MatIconModule } from '@angular/material/icon';
import { MatTooltipModule } from '@angular/material/tooltip';
import { RouterLink } from '@angular/router';
import { EMPTY, catchError, merge, switchMap, tap } from 'rxjs';
import { LiveSocket } from '../core/live-socket';
import { WorkflowsApi } from '../workflows/workflows-api';
import { STATS_REFRESH_MS, WorkflowStats, failuresLevel, formatLag, lagLevel, statsRefreshTicks } from './workflow-stats';

/** The history page's dashboard card: runs per minute, failures in the last hour, outbox lag. */
@Component({
  selector: 'app-history-stats-card',
  imports: [DateTimePipe, DecimalPipe, MatCardModule, MatIconModule, MatTooltipModule, RouterLink],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <mat-card appearance="outlined" class="stats-card" data-testid="history-stats" [attr.data-loaded]="!!stats()"
              role="region" aria-label="Workflow engine at a glance">
      <mat-card-content class="stats">
        <div class="stat" data-testid="history-stats-runs" [attr.data-value]="stats()?.runsLastMinute">
          <span class="value">{{ stats() ? (stats()!.runsLastMinute | number) : '–' }}</span>
          <span class="label">runs / min</span>
          <span class="sub muted">{{ stats() ? (stats()!.runsLastHour | number) : '–' }} in the last hour</span>
        </div>
        <div class="stat level-{{ failures() }}" data-testid="history-stats-failures" [attr.data-value]="stats()?.failuresLastHour"
             [attr.data-level]="failures()">
          <span class="value">
            @if (failures() === 'bad') { <mat-icon inline aria-hidden="true" svgIcon="error" /> }
            {{ stats() ? (stats()!.failuresLastHour | number) : '–' }}
          </span>
          <span class="label">failures (last hour)</span>
          <span class="sub muted">{{ stats() ? (stats()!.skippedLastHour | number) : '–' }} skipped</span>
        </div>
        <div class="stat level-{{ lag() }}" data-testid="history-stats-lag" [attr.data-value]="stats()?.outboxLagSeconds"
             [attr.data-level]="lag()" matTooltip="Age of the oldest event not yet processed by the rules">
          <span class="value">{{ stats() ? lagText() : '–' }}</span>
          <span class="label">outbox lag</span>
          <span class="sub muted">{{ stats() ? (stats()!.outboxPending | number) : '–' }} event{{ stats()?.outboxPending === 1 ? '' : 's' }} pending
            @if (stats()?.deadLettersOpen; as open) {
              · <a routerLink="/dead-letters" class="dead-letters" data-testid="history-stats-dead-letters">{{ open | number }} dead letter{{ open === 1 ? '' : 's' }}</a>
            }
          </span>
        </div>
      </mat-card-content>
      <p class="footer muted" data-testid="history-stats-updated">
        @if (failed()) {
          <mat-icon inline aria-hidden="true" svgIcon="error_outline" /> Stats unavailable — retrying every {{ refreshSeconds }} s
        } @else if (updatedAt(); as at) {
          Updated {{ at | dateTime: 'time' }} · every {{ refreshSeconds }} s and on new runs
        } @else {
          Loading…
        }
      </p>
    </mat-card>
  `,
  styles: `
    :host { display: block; margin-bottom: 16px; }
    .stats-card { border-radius: 12px; }
    .stats { display: grid; grid-template-columns: repeat(3, minmax(0, 1fr)); gap: 8px 24px; padding: 12px 16px 4px; }
    @media (max-width: 700px) { .stats { grid-template-columns: 1fr; } }
    .stat { display: flex; flex-direction: column; min-width: 0; }
    .value { font: var(--mat-sys-headline-small); display: inline-flex; align-items: center; gap: 4px; }
    .label { font: var(--mat-sys-label-large); }
    .sub { font-size: 12px; }
    .level-warn .value { color: var(--app-warning); }
    .level-bad .value { color: var(--mat-sys-error); }
    .dead-letters { color: var(--mat-sys-error); font-weight: 600; }
    .footer { font-size: 12px; margin: 0; padding: 0 16px 10px; display: flex; align-items: center; gap: 4px; }
  `,
})
export class HistoryStatsCard implements OnInit {
  private readonly api = inject(WorkflowsApi);
  private readonly socket = inject(LiveSocket);
  private readonly destroyRef = inject(DestroyRef);

  protected readonly refreshSeconds = STATS_REFRESH_MS / 1000;
  protected readonly stats = signal<WorkflowStats | null>(null);
  protected readonly failed = signal(false);
  protected readonly updatedAt = signal<Date | null>(null);
  protected readonly failures = computed(() => failuresLevel(this.stats()?.failuresLastHour ?? 0));
  protected readonly lag = computed(() => lagLevel(this.stats()?.outboxLagSeconds ?? 0));
  protected readonly lagText = computed(() => formatLag(this.stats()?.outboxLagSeconds ?? 0));

  ngOnInit(): void {
    // Re-read on a timer, on every live history row (throttled) and after a reconnect.
    const live = merge(this.socket.on('workflow:history'), this.socket.connections$);
    statsRefreshTicks(live)
      .pipe(
        switchMap(() =>
          this.api.stats().pipe(
            tap({
              next: (stats) => {
                this.stats.set(stats);
                this.failed.set(false);
                this.updatedAt.set(new Date());
              },
            }),
            catchError(() => {
              this.failed.set(true);
              return EMPTY;
            }),
          ),
        ),
        takeUntilDestroyed(this.destroyRef),
      )
      .subscribe();
  }
}
