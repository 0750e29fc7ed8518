import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { Roles } from '../common/decorators';
import { MetricsService } from './metrics.service';

/** The numbers behind the history page's dashboard card (all processes, from the database). */
@ApiTags('workflows')
@ApiBearerAuth()
@Roles('ADMIN')
@Controller('workflows/stats')
export class WorkflowStatsController {
  constructor(private readonly dataSource: DataSource, private readonly metrics: MetricsService) {}

  @Get()
  async stats() {
    const [[runs], outbox] = await Promise.all([
      this.dataSource.query(`
        SELECT count(*) FILTER (WHERE created_at > now() - interval '1 minute' AND skipped_reason IS NULL)::int AS "runsLastMinute",
               count(*) FILTER (WHERE skipped_reason IS NULL)::int AS "runsLastHour",
               count(*) FILTER (WHERE NOT success)::int AS "failuresLastHour",
               count(*) FILTER (WHERE skipped_reason IS NOT NULL)::int AS "skippedLastHour"
          FROM workflow_history WHERE created_at > now() - interval '1 hour'`),
      this.metrics.outbox(),
    ]);
    return { ...runs, outboxPending: outbox.pending, outboxLagSeconds: Math.round(outbox.lagSeconds * 1000) / 1000 };
  }
}
