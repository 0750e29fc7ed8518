import { Inject, Injectable, Logger } from '@nestjs/common';
import { Cron } from '@nestjs/schedule';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { withAdvisoryLock } from '../database/advisory-lock';
import { EmailService } from '../email/email.service';
import { EventsService } from '../events/events.service';
import { OpsDashboardService } from '../metrics/ops-dashboard.service';
import { NotificationRepository } from '../notifications/notification.repository';
import { HistoryRepository } from '../workflows/history/history.repository';
import { TickRepository } from './tick.repository';

const PRUNE_LOCK = 7_150_044;
/** Rows per DELETE: each statement stays short, so the tables' other users never wait long behind it. */
const BATCH = 1000;

export interface PruneResult { events: number; history: number; notifications: number; emails: number; runStats: number; backlogSamples: number }

/**
 * Housekeeping, hourly, one process at a time: processed events (the source of traces) and old ticks are kept
 * TRACE_RETENTION_DAYS, workflow history HISTORY_RETENTION_DAYS (0: forever), read notifications
 * NOTIFICATION_RETENTION_DAYS (0: forever), finished e-mails as long as read notifications, and the ops dashboard's
 * counters and samples STATS_RETENTION_DAYS.
 */
@Injectable()
export class MaintenanceService {
  private readonly logger = new Logger('Maintenance');
  constructor(
    private readonly dataSource: DataSource,
    private readonly events: EventsService,
    private readonly ticks: TickRepository,
    private readonly history: HistoryRepository,
    private readonly notifications: NotificationRepository,
    private readonly email: EmailService,
    private readonly dashboard: OpsDashboardService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Cron('17 * * * *', { name: 'prune-events' })
  async pruneHourly(): Promise<void> {
    if (!this.config.scheduler) return;
    await this.prune().catch((e) => this.logger.warn(`pruning failed: ${(e as Error).message}`));
  }

  /** Deletes what is past retention; one process at a time. Returns how many rows of each kind went. */
  async prune(): Promise<PruneResult> {
    const result = await withAdvisoryLock(this.dataSource, PRUNE_LOCK, false, async (session) => {
      const days = this.config.traceRetentionDays;
      const events = await this.events.pruneProcessed(days, session);
      await this.ticks.pruneProcessed(session, days);
      if (events) this.logger.log(`pruned ${events} processed events older than ${days} days`);
      const { historyRetentionDays, notificationRetentionDays } = this.config;
      const history = historyRetentionDays
        ? await inBatches((limit) => this.history.deleteOlderThan(historyRetentionDays, limit, session))
        : 0;
      if (history) this.logger.log(`pruned ${history} workflow history rows older than ${historyRetentionDays} days`);
      const notifications = notificationRetentionDays
        ? await inBatches((limit) => this.notifications.deleteReadOlderThan(notificationRetentionDays, limit, session))
        : 0;
      if (notifications) this.logger.log(`pruned ${notifications} read notifications older than ${notificationRetentionDays} days`);
      // Finished e-mails (the delivery log) are kept as long as read notifications.
      const emails = notificationRetentionDays
        ? await inBatches((limit) => this.email.pruneFinished(notificationRetentionDays, limit, session))
        : 0;
      if (emails) this.logger.log(`pruned ${emails} finished e-mails older than ${notificationRetentionDays} days`);
      // The dashboard's counters: a few thousand rows an hour at most, one statement each.
      const { runStats, backlogSamples } = await this.dashboard.prune(session);
      return { events, history, notifications, emails, runStats, backlogSamples };
    });
    return result ?? { events: 0, history: 0, notifications: 0, emails: 0, runStats: 0, backlogSamples: 0 };
  }
}

/** Repeats a batched DELETE until a batch comes back short; each batch is its own statement (and transaction). */
async function inBatches(deleteBatch: (limit: number) => Promise<number>): Promise<number> {
  let total = 0;
  for (;;) {
    const n = await deleteBatch(BATCH);
    total += n;
    if (n < BATCH) return total;
  }
}
