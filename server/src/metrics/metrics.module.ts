import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { EmailModule } from '../email/email.module';
import { EventsModule } from '../events/events.module';
import { RealtimeModule } from '../realtime/realtime.module';
import { WebhooksModule } from '../webhooks/webhooks.module';
import { WorkflowsModule } from '../workflows/workflows.module';
import { BacklogSampleRepository } from './backlog-sample.repository';
import { MetricsController } from './metrics.controller';
import { MetricsService } from './metrics.service';
import { OpsDashboardService } from './ops-dashboard.service';
import { WorkflowStatsController } from './workflow-stats.controller';

@Module({
  imports: [WorkflowsModule, EventsModule, RealtimeModule, AuthModule, EmailModule, WebhooksModule],
  controllers: [MetricsController, WorkflowStatsController],
  providers: [MetricsService, OpsDashboardService, BacklogSampleRepository],
  exports: [MetricsService, OpsDashboardService],
})
export class MetricsModule {}
