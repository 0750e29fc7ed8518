import { Injectable, OnModuleInit } from '@nestjs/common';
import type { UnitOfWork } from '../../database/unit-of-work';
import type { CaseSnapshot, DomainEvent } from '../../events/event-map';
import { OutboxDispatcher, type DurableEventConsumer } from '../../events/outbox-dispatcher.service';
import { RuleSetCache } from '../rules/rule-set.cache';
import { MAX_DEPTH, type Rule } from '../rules/rule.types';
import { WorkflowMetrics } from '../workflow-metrics';
import { RuleRunner, type PendingHistory, type RunRequest } from './rule-runner';
import { listenedEvents, matchRule, mayFire, toMatchable } from './rule-matcher';

/**
 * Runs the rules for each committed domain event. Called by the outbox
 * dispatcher inside the transaction that marks the event processed, so an
 * event's rule runs and its "processed" mark commit together: a crash at any
 * point means either all of it happened or none of it did.
 */
@Injectable()
export class WorkflowEngine implements DurableEventConsumer, OnModuleInit {
  readonly consumerName = 'workflow-engine';
  /** What wants() decided, so consume() does not match the rules twice. */
  private readonly plans = new WeakMap<DomainEvent, Rule[]>();
  private readonly listened = new WeakMap<Rule[], Set<string>>();

  constructor(
    private readonly dispatcher: OutboxDispatcher,
    private readonly ruleSet: RuleSetCache,
    private readonly runner: RuleRunner,
    private readonly metrics: WorkflowMetrics,
  ) {}

  onModuleInit(): void {
    this.dispatcher.register(this);
  }

  /** The enabled rules this event triggers, in evaluation order (pure: reads the cached rule set only). */
  async wants(event: DomainEvent, uow: UnitOfWork): Promise<boolean> {
    this.metrics.observeRun('EVENT');
    const matched = await this.matchedRules(event, uow);
    this.plans.set(event, matched);
    return matched.length > 0;
  }

  async consume(event: DomainEvent, uow: UnitOfWork): Promise<void> {
    const matched = this.plans.get(event) ?? (await this.matchedRules(event, uow));
    if (!matched.length) return;
    const caseNumber = (event.payload as { case: { caseNumber: string } }).case.caseNumber;
    const cooling = event.depth > MAX_DEPTH ? new Set<string>() : await this.rulesInCooldown(uow, matched, event.caseId);
    // Loaded once, then carried from run to run: each rule sees the case as the previous one left it.
    let current: CaseSnapshot | null | undefined;
    // Every rule's history row in one statement at the end, still inside the event's unit.
    const pending: PendingHistory[] = [];
    for (const rule of matched) {
      const req: RunRequest = {
        ctx: {
          rule, caseId: event.caseId, eventId: event.id, eventName: event.name, depth: event.depth, actorId: event.actorId,
          previousStatus: previousStatusOf(event), evidenceFilename: evidenceFilenameOf(event),
        },
        caseNumber,
        triggerData: triggerDataOf(event),
      };
      if (event.depth > MAX_DEPTH) this.runner.skipInto(pending, req, 'MAX_DEPTH');
      else if (cooling.has(rule.id)) this.runner.skipInto(pending, req, 'COOLDOWN');
      else current = await this.runner.runInto(pending, uow, req, current);
    }
    await this.runner.record(uow, pending);
  }

  private async matchedRules(event: DomainEvent, uow: UnitOfWork): Promise<Rule[]> {
    const rules = await this.ruleSet.current(uow.manager);
    // Most events (every case.updated, when no rule listens to it) are dismissed here, unread.
    if (!this.listenedEventsOf(rules).has(event.name)) return [];
    const matchable = toMatchable(event);
    const matched: Rule[] = [];
    for (const rule of rules) {
      if (!mayFire(rule, matchable)) continue;
      if (matchRule(rule, matchable).matched) {
        matched.push(rule);
        if (rule.stopProcessing && event.depth <= MAX_DEPTH) break;
      }
    }
    return matched;
  }

  /** Computed once per loaded rule set. */
  private listenedEventsOf(rules: Rule[]): Set<string> {
    let names = this.listened.get(rules);
    if (!names) this.listened.set(rules, (names = new Set(rules.flatMap((r) => listenedEvents(r)))));
    return names;
  }

  /** The matched rules whose last run for this case is younger than their cooldown: one query, from history. */
  private async rulesInCooldown(uow: UnitOfWork, rules: Rule[], caseId: string): Promise<Set<string>> {
    const candidates = rules.filter((r) => r.cooldownSeconds > 0);
    if (!candidates.length) return new Set();
    const rows: Array<{ rule_id: string }> = await uow.manager.query(
      `SELECT r.rule_id FROM unnest($2::uuid[], $3::int[]) AS r(rule_id, cooldown)
        WHERE EXISTS (SELECT 1 FROM workflow_history h
                       WHERE h.case_id = $1 AND h.rule_id = r.rule_id AND h.skipped_reason IS NULL
                         AND h.created_at > clock_timestamp() - make_interval(secs => r.cooldown))`,
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
