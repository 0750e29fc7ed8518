import { Inject, Injectable, Logger } from '@nestjs/common';
import { Cron } from '@nestjs/schedule';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../config/app-config';

const PRUNE_LOCK = 7_150_044;

/** Housekeeping: processed events (the source of traces) and old ticks are kept TRACE_RETENTION_DAYS. */
@Injectable()
export class MaintenanceService {
  private readonly logger = new Logger('Maintenance');
  constructor(private readonly dataSource: DataSource, @Inject(APP_CONFIG) private readonly config: AppConfig) {}

  @Cron('17 * * * *', { name: 'prune-events' })
  async pruneHourly(): Promise<void> {
    if (process.env.SCHEDULER === 'off') return;
    await this.prune().catch((e) => this.logger.warn(`pruning failed: ${(e as Error).message}`));
  }

  /** Deletes what is past retention; one process at a time. Returns the number of events deleted. */
  async prune(): Promise<number> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      const [{ locked }] = await runner.query('SELECT pg_try_advisory_lock($1) AS locked', [PRUNE_LOCK]);
      if (!locked) return 0;
      try {
        const days = this.config.traceRetentionDays;
        // In batches: each statement stays short, whatever the backlog.
        let events = 0;
        for (;;) {
          const [, n] = await runner.query(
            `DELETE FROM domain_events WHERE id IN (
               SELECT id FROM domain_events
                WHERE created_at < now() - make_interval(days => $1) AND processed_at IS NOT NULL LIMIT 5000)`, [days]);
          events += Number(n);
          if (Number(n) < 5000) break;
        }
        await runner.query(`DELETE FROM workflow_ticks WHERE processed_at < now() - make_interval(days => $1)`, [days]);
        if (events) this.logger.log(`pruned ${events} processed events older than ${days} days`);
        return Number(events);
      } finally {
        await runner.query('SELECT pg_advisory_unlock($1)', [PRUNE_LOCK]);
      }
    } finally {
      await runner.release();
    }
  }
}
