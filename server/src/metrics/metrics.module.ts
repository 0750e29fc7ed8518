import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { EmailModule } from '../email/email.module';
import { EventsModule } from '../events/events.module';
import { RealtimeModule } from '../realtime/realtime.module';
import { WorkflowsModule } from '../workflows/workflows.module';
import { MetricsController } from './metrics.controller';
import { MetricsService } from './metrics.service';
import { WorkflowStatsController } from './workflow-stats.controller';

@Module({
  imports: [WorkflowsModule, EventsModule, RealtimeModule, AuthModule, EmailModule],
  controllers: [MetricsController, WorkflowStatsController],
  providers: [MetricsService],
  exports: [MetricsService],
})
export class MetricsModule {}
