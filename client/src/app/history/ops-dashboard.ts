import { ChangeDetectionStrategy, Component, DestroyRef, OnInit, computed, inject, output, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { DecimalPipe } from '@angular/common';
import { MatButtonToggleModule } from '@angular/material/button-toggle';
import { MatCardModule } from '@angular/material/card';
import { MatIconModule } from '@angular/material/icon';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { BehaviorSubject, EMPTY, catchError, interval, merge, switchMap, tap } from 'rxjs';
import { DisplaySettings } from '../core/display-settings';
import { LiveSocket } from '../core/live-socket';
import { WorkflowsApi } from '../workflows/workflows-api';
import type { StatsBucket, StatsRange } from '../../../../contracts/workflows';
import { BacklogChart, formatSeconds } from './charts/backlog-chart';
import { RunsChart } from './charts/runs-chart';
import { WorkflowStatsTimeline, healthOf, withLiveRun } from './ops-timeline';

/** The charts re-read the server this often (backlog samples are taken once a minute). */
export const TIMELINE_REFRESH_MS = 60_000;

const QUEUE_LABELS: Record<string, string> = { outbox: 'Rule engine (outbox)', webhooks: 'Webhook deliveries', email: 'E-mail' };
const QUEUE_COLOURS = ['var(--mat-sys-primary)', 'var(--mat-sys-tertiary)', 'var(--mat-sys-secondary)', 'var(--mat-sys-error)'];

/**
 * The history page's ops dashboard: is automation healthy now, and since when not? Runs and failures per
 * hour (24 h) or per hour/day (7 days), the rules failing most and each queue's backlog over time; live runs
 * are added to the current bucket as they arrive.
 */
@Component({
  selector: 'app-ops-dashboard',
  imports: [DecimalPipe, MatButtonToggleModule, MatCardModule, MatIconModule, MatProgressBarModule, RunsChart, BacklogChart],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './ops-dashboard.html',
  styleUrl: './ops-dashboard.scss',
})
export class OpsDashboard implements OnInit {
  private readonly api = inject(WorkflowsApi);
  private readonly socket = inject(LiveSocket);
  private readonly destroyRef = inject(DestroyRef);
  private readonly display = inject(DisplaySettings);

  /** A rule in "Rules failing most" was chosen: the page shows its failed runs. */
  readonly showFailures = output<string>();

  protected readonly range = signal<StatsRange>('24h');
  protected readonly bucket = signal<StatsBucket>('hour');
  protected readonly timeline = signal<WorkflowStatsTimeline | null>(null);
  protected readonly loading = signal(false);
  protected readonly failed = signal(false);
  private readonly reload$ = new BehaviorSubject<void>(undefined);

  // Times follow the user's zone and clock (Settings); day buckets are UTC days (the server's), so they are named in UTC.
  private readonly labels = computed(() => timeLabels(this.display.timeZone(), this.display.timeFormat()));
  protected readonly labelOf = computed(() => (this.timeline()?.bucket === 'day' ? this.labels().utcDay : this.labels().hour));
  protected readonly backlogLabel = computed(() => (this.range() === '7d' ? this.labels().day : this.labels().hour));
  protected readonly health = computed(() => {
    const t = this.timeline();
    const labels = this.labels();
    return t ? healthOf(t, t.bucket === 'day' ? labels.utcDaySince : labels.since) : null;
  });
  protected readonly totals = computed(() => {
    const runs = this.timeline()?.runs ?? [];
    return {
      runs: runs.reduce((n, p) => n + p.runs, 0),
      failures: runs.reduce((n, p) => n + p.failures, 0),
      skipped: runs.reduce((n, p) => n + p.skipped, 0),
    };
  });
  protected readonly queues = computed(() =>
    (this.timeline()?.backlogs ?? []).map((s, i) => {
      const latest = s.points.at(-1);
      return {
        queue: s.queue, label: QUEUE_LABELS[s.queue] ?? s.queue, colour: QUEUE_COLOURS[i % QUEUE_COLOURS.length],
        now: latest ? `${latest.pending} waiting · oldest ${formatSeconds(latest.oldestAgeSeconds)}` : 'no samples yet',
      };
    }));
  protected readonly maxFailures = computed(() => Math.max(1, ...(this.timeline()?.topFailingRules ?? []).map((r) => r.failures)));

  ngOnInit(): void {
    merge(this.reload$, interval(TIMELINE_REFRESH_MS), this.socket.connections$)
      .pipe(
        switchMap(() => {
          this.loading.set(true);
          return this.api.timeline(this.range(), this.bucket()).pipe(
            tap((t) => {
              this.timeline.set(t);
              this.failed.set(false);
              this.loading.set(false);
            }),
            catchError(() => {
              this.failed.set(true);
              this.loading.set(false);
              return EMPTY;
            }),
          );
        }),
        takeUntilDestroyed(this.destroyRef),
      )
      .subscribe();
    this.socket
      .on('workflow:history')
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe((run) => {
        const current = this.timeline();
        if (!current) return;
        const next = withLiveRun(current, run);
        if (next) this.timeline.set(next);
        else this.reload$.next();
      });
  }

  protected setRange(range: StatsRange): void {
    this.range.set(range);
    if (range === '24h') this.bucket.set('hour');
    this.reload$.next();
  }

  protected setBucket(bucket: StatsBucket): void {
    this.bucket.set(bucket);
    this.reload$.next();
  }

  protected retry(): void {
    this.reload$.next();
  }

  protected barWidth(failures: number): string {
    return `${Math.max(4, (failures / this.maxFailures()) * 100)}%`;
  }

  protected when(iso: string): string {
    return this.labels().since(iso);
  }
}

/** The dashboard's time texts in the user's zone and clock. */
function timeLabels(timeZone: string, timeFormat: '12h' | '24h') {
  const clock: Intl.DateTimeFormatOptions = timeFormat === '12h' ? { hourCycle: 'h12', hour: 'numeric' } : { hourCycle: 'h23', hour: '2-digit' };
  const make = (options: Intl.DateTimeFormatOptions, zone = timeZone) => {
    const f = new Intl.DateTimeFormat('en-GB', { ...options, timeZone: zone });
    return (iso: string) => f.format(new Date(iso));
  };
  return {
    hour: make({ ...clock, minute: '2-digit' }),
    day: make({ weekday: 'short', day: 'numeric' }),
    utcDay: make({ weekday: 'short', day: 'numeric' }, 'UTC'),
    since: make({ weekday: 'short', ...clock, minute: '2-digit' }),
    utcDaySince: make({ weekday: 'short', day: 'numeric', month: 'short' }, 'UTC'),
  };
}
