import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { Roles } from '../common/decorators';
import { HistoryRepository } from '../workflows/history/history.repository';
import type { StatsBucket, StatsRange, WorkflowStats, WorkflowStatsTimeline } from '../../../contracts/workflows';
import { MetricsService } from './metrics.service';
import { OpsDashboardService } from './ops-dashboard.service';

export class TimelineQuery {
  @ApiPropertyOptional({ enum: ['24h', '7d'], default: '24h' })
  @IsOptional() @IsIn(['24h', '7d'], { message: 'range must be 24h or 7d' })
  range: StatsRange = '24h';

  @ApiPropertyOptional({ enum: ['hour', 'day'], default: 'hour' })
  @IsOptional() @IsIn(['hour', 'day'], { message: 'bucket must be hour or day' })
  bucket: StatsBucket = 'hour';
}

/** The numbers behind the history page's dashboard (all processes, from the database). */
@ApiTags('workflows')
@ApiBearerAuth()
@Roles('ADMIN')
@Controller('workflows/stats')
export class WorkflowStatsController {
  constructor(
    private readonly history: HistoryRepository,
    private readonly metrics: MetricsService,
    private readonly dashboard: OpsDashboardService,
  ) {}

  @Get()
  async stats(): Promise<WorkflowStats> {
    const [runs, outbox, deadLettersOpen] = await Promise.all([this.history.stats(), this.metrics.outbox(), this.metrics.deadLettersOpen()]);
    return { ...runs, outboxPending: outbox.pending, outboxLagSeconds: Math.round(outbox.lagSeconds * 1000) / 1000, deadLettersOpen };
  }

  /** Runs and failures per bucket, the rules failing most and each queue's backlog over the window. */
  @Get('timeline')
  timeline(@Query() query: TimelineQuery): Promise<WorkflowStatsTimeline> {
    return this.dashboard.timeline(query.range, query.bucket);
  }
}
