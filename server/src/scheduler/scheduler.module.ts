import { Module } from '@nestjs/common';
import { CasesModule } from '../cases/cases.module';
import { EmailModule } from '../email/email.module';
import { EventsModule } from '../events/events.module';
import { MetricsModule } from '../metrics/metrics.module';
import { NotificationsModule } from '../notifications/notifications.module';
import { WorkflowsModule } from '../workflows/workflows.module';
import { MaintenanceService } from './maintenance.service';
import { TickProcessor } from './tick-processor.service';
import { TickRepository } from './tick.repository';
import { TimeRuleScheduler } from './time-rule-scheduler.service';

@Module({
  imports: [WorkflowsModule, CasesModule, EventsModule, NotificationsModule, EmailModule, MetricsModule],
  providers: [TimeRuleScheduler, TickProcessor, MaintenanceService, TickRepository],
  exports: [TimeRuleScheduler, TickProcessor, MaintenanceService],
})
export class SchedulerModule {}
