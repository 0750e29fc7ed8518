import { Inject, Injectable, Logger } from '@nestjs/common';
import { Cron } from '@nestjs/schedule';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { withAdvisoryLock } from '../database/advisory-lock';
import { EventsService } from '../events/events.service';
import { TickRepository } from './tick.repository';

const PRUNE_LOCK = 7_150_044;

/** Housekeeping: processed events (the source of traces) and old ticks are kept TRACE_RETENTION_DAYS. */
@Injectable()
export class MaintenanceService {
  private readonly logger = new Logger('Maintenance');
  constructor(
    private readonly dataSource: DataSource,
    private readonly events: EventsService,
    private readonly ticks: TickRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Cron('17 * * * *', { name: 'prune-events' })
  async pruneHourly(): Promise<void> {
    if (!this.config.scheduler) return;
    await this.prune().catch((e) => this.logger.warn(`pruning failed: ${(e as Error).message}`));
  }

  /** Deletes what is past retention; one process at a time. Returns the number of events deleted. */
  async prune(): Promise<number> {
    const deleted = await withAdvisoryLock(this.dataSource, PRUNE_LOCK, false, async (session) => {
      const days = this.config.traceRetentionDays;
      const events = await this.events.pruneProcessed(days, session);
      await this.ticks.pruneProcessed(session, days);
      if (events) this.logger.log(`pruned ${events} processed events older than ${days} days`);
      return events;
    });
    return deleted ?? 0;
  }
}
