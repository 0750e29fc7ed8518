import { Inject, Injectable, Logger } from '@nestjs/common';
import { Cron } from '@nestjs/schedule';
import type {
  BacklogSeries, FailingRuleStats, RunStatsPoint, StatsBucket, StatsRange, WorkflowStatsTimeline,
} from '../../../contracts/workflows';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import type { Executor } from '../database/executor';
import { EmailService } from '../email/email.service';
import { EventsService } from '../events/events.service';
import { WebhooksService } from '../webhooks/webhooks.service';
import { HistoryRepository } from '../workflows/history/history.repository';
import { BacklogSampleRepository, type QueueBacklog } from './backlog-sample.repository';

/** A queue whose backlog the dashboard samples once a minute. */
export interface BacklogSource {
  queue: string;
  read(): Promise<QueueBacklog>;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const RANGE_MS: Record<StatsRange, number> = { '24h': DAY_MS, '7d': 7 * DAY_MS };
/** Backlog samples are condensed to about 300 points a chart. */
const BACKLOG_INTERVAL_S: Record<StatsRange, number> = { '24h': 300, '7d': 3600 };
const TOP_FAILING = 10;

/**
 * The ops dashboard: rule runs per hour or day from the pre-aggregated counters (written with every history
 * row), and the backlog of each queue over time from a sample taken once a minute by one process.
 */
@Injectable()
export class OpsDashboardService {
  private readonly logger = new Logger('OpsDashboard');
  private readonly sources: BacklogSource[];

  constructor(
    private readonly history: HistoryRepository,
    private readonly samples: BacklogSampleRepository,
    events: EventsService,
    webhooks: WebhooksService,
    email: EmailService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.sources = [
      { queue: 'outbox', read: async () => { const b = await events.backlog(); return { pending: b.pending, oldestAgeSeconds: b.lagSeconds }; } },
      { queue: 'webhooks', read: () => webhooks.backlog() },
      { queue: 'email', read: () => email.backlog() },
    ];
  }

  /**
   * Another queue to sample (a future channel): its module calls this once at start-up, and its
   * series then appears in GET /workflows/stats/timeline and on the dashboard with no other change.
   */
  registerBacklogSource(source: BacklogSource): void {
    if (!this.sources.some((s) => s.queue === source.queue)) this.sources.push(source);
  }

  @Cron('5 * * * * *', { name: 'backlog-sample' })
  async sampleEveryMinute(): Promise<void> {
    if (!this.config.scheduler) return;
    await this.sample().catch((e) => this.logger.warn(`backlog sample failed: ${(e as Error).message}`));
  }

  /** Takes this minute's sample unless another process already did; returns whether this call took it. */
  async sample(): Promise<boolean> {
    const minute = await this.samples.claimMinute();
    if (!minute) return false;
    const readings = await Promise.all(this.sources.map(async (s) => [s.queue, await s.read().catch(() => null)] as const));
    const backlogs: Record<string, QueueBacklog> = {};
    for (const [queue, backlog] of readings) {
      if (backlog) backlogs[queue] = { pending: backlog.pending, oldestAgeSeconds: Math.round(backlog.oldestAgeSeconds * 1000) / 1000 };
    }
    await this.samples.fill(minute, backlogs);
    return true;
  }

  async timeline(range: StatsRange, bucket: StatsBucket, now = new Date()): Promise<WorkflowStatsTimeline> {
    const size = bucket === 'day' ? DAY_MS : HOUR_MS;
    const to = new Date(Math.floor(now.getTime() / size) * size + size);
    const from = new Date(to.getTime() - Math.ceil(RANGE_MS[range] / size) * size);
    const interval = BACKLOG_INTERVAL_S[range];
    const [buckets, failing, backlog] = await Promise.all([
      this.history.runStatsByBucket(from, to, bucket),
      this.history.topFailingRules(from, to, TOP_FAILING),
      this.samples.condensed(new Date(now.getTime() - RANGE_MS[range]), to, interval),
    ]);
    const byStart = new Map(buckets.map((b) => [new Date(b.bucket_start).getTime(), b]));
    const runs: RunStatsPoint[] = [];
    for (let t = from.getTime(); t < to.getTime(); t += size) {
      const b = byStart.get(t);
      runs.push({
        bucketStart: new Date(t).toISOString(), runs: b?.runs ?? 0, failures: b?.failures ?? 0, skipped: b?.skipped ?? 0,
        avgDurationMs: b && b.runs ? Math.round(Number(b.duration_ms ?? 0) / b.runs) : null,
      });
    }
    const topFailingRules: FailingRuleStats[] = failing.map((r) => ({
      ruleId: r.rule_id, ruleName: r.rule_name, failures: r.failures, runs: r.runs, lastFailureAt: new Date(r.last_failure_bucket).toISOString(),
    }));
    const series = new Map<string, BacklogSeries>(this.sources.map((s) => [s.queue, { queue: s.queue, points: [] }]));
    for (const p of backlog) {
      let s = series.get(p.queue);
      if (!s) series.set(p.queue, (s = { queue: p.queue, points: [] }));
      s.points.push({ bucketStart: new Date(p.bucket_start).toISOString(), pending: p.pending, oldestAgeSeconds: Number(p.oldest_age_seconds) });
    }
    return {
      range, bucket, from: from.toISOString(), to: to.toISOString(), runs, topFailingRules,
      backlogIntervalSeconds: interval, backlogs: [...series.values()],
    };
  }

  /** Housekeeping (STATS_RETENTION_DAYS), called by the hourly maintenance. */
  async prune(executor?: Executor): Promise<{ runStats: number; backlogSamples: number }> {
    const days = this.config.statsRetentionDays;
    return {
      runStats: await this.history.deleteRunStatsOlderThan(days, executor),
      backlogSamples: await this.samples.deleteOlderThan(days, executor),
    };
  }
}
