import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { CasesModule } from '../cases/cases.module';
import { EventsModule } from '../events/events.module';
import { NotificationsModule } from '../notifications/notifications.module';
import { UsersModule } from '../users/users.module';
import { WebhooksModule } from '../webhooks/webhooks.module';
import { ActionExecutor } from './actions/action-executor';
import { BacktestService } from './engine/backtest.service';
import { DryRunService } from './engine/dry-run.service';
import { RuleRunner } from './engine/rule-runner';
import { CircuitBreaker } from './engine/circuit-breaker';
import { WorkflowEngine } from './engine/workflow-engine.service';
import { HistoryController } from './history/history.controller';
import { HistoryRepository } from './history/history.repository';
import { HistoryService } from './history/history.service';
import { RevisionRepository } from './rules/revision.repository';
import { RevisionsService } from './rules/revisions.service';
import { RuleSetCache } from './rules/rule-set.cache';
import { RuleAnalysisService } from './analysis/rule-analysis.service';
import { RuleRepository } from './rules/rule.repository';
import { RulesService } from './rules/rules.service';
import { RuleTransferService } from './rules/rule-transfer.service';
import { TracesService } from './traces/traces.service';
import { WorkflowMetrics } from './workflow-metrics';
import { WorkflowsController } from './workflows.controller';
import { DeadLettersController } from './dead-letters/dead-letters.controller';
import { DeadLettersService } from './dead-letters/dead-letters.service';

@Module({
  imports: [CasesModule, UsersModule, EventsModule, NotificationsModule, WebhooksModule, AuditModule],
  controllers: [WorkflowsController, HistoryController, DeadLettersController],
  providers: [
    RulesService, RevisionsService, RuleSetCache, RuleAnalysisService, ActionExecutor, RuleRunner, WorkflowEngine, DryRunService, BacktestService, HistoryService,
    TracesService, WorkflowMetrics, RuleTransferService, CircuitBreaker, DeadLettersService, RuleRepository, RevisionRepository, HistoryRepository,
  ],
  exports: [RulesService, RuleRunner, CircuitBreaker, RuleSetCache, WorkflowMetrics, RuleRepository, HistoryRepository],
})
export class WorkflowsModule {}
