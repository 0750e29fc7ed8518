import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Roles } from '../common/decorators';
import { HistoryRepository } from '../workflows/history/history.repository';
import type { WorkflowStats } from '../../../contracts/workflows';
import { MetricsService } from './metrics.service';

/** The numbers behind the history page's dashboard card (all processes, from the database). */
@ApiTags('workflows')
@ApiBearerAuth()
@Roles('ADMIN')
@Controller('workflows/stats')
export class WorkflowStatsController {
  constructor(private readonly history: HistoryRepository, private readonly metrics: MetricsService) {}

  @Get()
  async stats(): Promise<WorkflowStats> {
    const [runs, outbox, deadLettersOpen] = await Promise.all([this.history.stats(), this.metrics.outbox(), this.metrics.deadLettersOpen()]);
    return { ...runs, outboxPending: outbox.pending, outboxLagSeconds: Math.round(outbox.lagSeconds * 1000) / 1000, deadLettersOpen };
  }
}
