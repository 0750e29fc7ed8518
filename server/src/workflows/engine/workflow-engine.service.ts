import { Injectable, OnModuleInit } from '@nestjs/common';
import type { UnitOfWork } from '../../database/unit-of-work';
import type { DomainEvent } from '../../events/event-map';
import { OutboxDispatcher, type DurableEventConsumer } from '../../events/outbox-dispatcher.service';
import { RuleSetCache } from '../rules/rule-set.cache';
import { MAX_DEPTH, type Rule } from '../rules/rule.types';
import { WorkflowMetrics } from '../workflow-metrics';
import { RuleRunner, type RunRequest } from './rule-runner';
import { matchRule, toMatchable } from './rule-matcher';

/**
 * Runs the rules for each committed domain event. Called by the outbox
 * dispatcher inside the transaction that marks the event processed, so an
 * event's rule runs and its "processed" mark commit together: a crash at any
 * point means either all of it happened or none of it did.
 */
@Injectable()
export class WorkflowEngine implements DurableEventConsumer, OnModuleInit {
  readonly consumerName = 'workflow-engine';

  constructor(
    private readonly dispatcher: OutboxDispatcher,
    private readonly ruleSet: RuleSetCache,
    private readonly runner: RuleRunner,
    private readonly metrics: WorkflowMetrics,
  ) {}

  onModuleInit(): void {
    this.dispatcher.register(this);
  }

  async consume(event: DomainEvent, uow: UnitOfWork): Promise<void> {
    this.metrics.observeRun('EVENT');
    const rules = await this.ruleSet.current(uow.manager);
    if (!rules.length) return;
    const matchable = toMatchable(event);
    const matched: Rule[] = [];
    for (const rule of rules) {
      if (!rule.isEnabled || rule.triggerType === 'TIME_BASED') continue;
      if (matchRule(rule, matchable).matched) {
        matched.push(rule);
        if (rule.stopProcessing && event.depth <= MAX_DEPTH) break;
      }
    }
    if (!matched.length) return;

    const cooling = event.depth > MAX_DEPTH ? new Set<string>() : await this.rulesInCooldown(uow, matched, event.caseId);
    for (const rule of matched) {
      const req: RunRequest = {
        ctx: {
          rule, caseId: event.caseId, eventId: event.id, eventName: event.name, depth: event.depth, actorId: event.actorId,
          previousStatus: previousStatusOf(event), evidenceFilename: evidenceFilenameOf(event),
        },
        caseNumber: matchable.case.caseNumber,
        triggerData: triggerDataOf(event),
      };
      if (event.depth > MAX_DEPTH) await this.runner.skip(uow, req, 'MAX_DEPTH');
      else if (cooling.has(rule.id)) await this.runner.skip(uow, req, 'COOLDOWN');
      else await this.runner.run(uow, req);
    }
  }

  /** The matched rules that ran for this case less than their cooldown ago: one query for all of them. */
  private async rulesInCooldown(uow: UnitOfWork, rules: Rule[], caseId: string): Promise<Set<string>> {
    const candidates = rules.filter((r) => r.cooldownSeconds > 0);
    if (!candidates.length) return new Set();
    const rows: Array<{ rule_id: string }> = await uow.manager.query(
      `SELECT s.rule_id FROM workflow_rule_case_state s
         JOIN unnest($2::uuid[], $3::int[]) AS r(rule_id, cooldown) ON r.rule_id = s.rule_id
        WHERE s.case_id = $1 AND s.last_run_at > now() - make_interval(secs => r.cooldown)`,
      [caseId, candidates.map((r) => r.id), candidates.map((r) => r.cooldownSeconds)]);
    return new Set(rows.map((r) => r.rule_id));
  }
}

function previousStatusOf(event: DomainEvent): string | null {
  const p = event.payload as unknown as Record<string, unknown>;
  if (typeof p.fromStatus === 'string') return p.fromStatus;
  const previous = p.previous as { status?: string } | undefined;
  return previous?.status ?? null;
}

function evidenceFilenameOf(event: DomainEvent): string | null {
  return (event.payload as unknown as { evidence?: { filename?: string } }).evidence?.filename ?? null;
}

/** What history shows about the trigger: the event, who caused it and what changed. */
function triggerDataOf(event: DomainEvent): Record<string, unknown> {
  const { case: _case, ...rest } = event.payload as unknown as Record<string, unknown>;
  return { event: event.name, actorId: event.actorId, causedByRuleId: event.ruleId, depth: event.depth, occurredAt: event.occurredAt, ...rest };
}
