import { Module } from '@nestjs/common';
import { WorkflowsModule } from '../workflows/workflows.module';
import { MetricsController } from './metrics.controller';
import { MetricsService } from './metrics.service';
import { WorkflowStatsController } from './workflow-stats.controller';

@Module({
  imports: [WorkflowsModule],
  controllers: [MetricsController, WorkflowStatsController],
  providers: [MetricsService],
  exports: [MetricsService],
})
export class MetricsModule {}
