import { Injectable, OnModuleInit } from '@nestjs/common';
import type { UnitOfWork } from '../../database/unit-of-work';
import type { CaseSnapshot, DomainEvent } from '../../events/event-map';
import { OutboxDispatcher, type DurableEventConsumer } from '../../events/outbox-dispatcher.service';
import { CasesService } from '../../cases/cases.service';
import { UsersService } from '../../users/users.service';
import { RuleSetCache } from '../rules/rule-set.cache';
import { MAX_DEPTH, type Rule } from '../rules/rule.types';
import { WorkflowMetrics } from '../workflow-metrics';
import { HistoryRepository, cooldownKey } from '../history/history.repository';
import { mayChangeCase, RuleRunner, type PendingHistory } from './rule-runner';
import { CircuitBreaker } from './circuit-breaker';
import { forEvent } from './run-request';
import { listenedEvents, matchRule, mayFire, toMatchable } from './rule-matcher';

/** The unit cache of the cases a batch's rules act on (prepare()). */
const BATCH_CASES = 'engine-batch-cases';

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
    private readonly history: HistoryRepository,
    private readonly breaker: CircuitBreaker,
    private readonly cases: CasesService,
    private readonly users: UsersService,
  ) {}

  onModuleInit(): void {
    this.dispatcher.register(this);
  }

  /** The enabled rules this event triggers, in evaluation order (pure: reads the cached rule set only). */
  async wants(event: DomainEvent, uow: UnitOfWork): Promise<boolean> {
    this.metrics.observeRun('EVENT');
    const matched = this.plans.get(event) ?? (await this.matchedRules(event, uow));
    this.plans.set(event, matched);
    return matched.length > 0;
  }

  /**
   * Reads ahead for a batch: matches every event once, then loads the cases its rules will act on (locking
   * those a rule may change) and the people their templates and notifications name (assignee, owner, actor),
   * in a few statements for the whole batch. consume() starts from these and keeps each case's copy as its rules leave it.
   */
  async prepare(events: DomainEvent[], uow: UnitOfWork): Promise<void> {
    const acting: DomainEvent[] = [];
    for (const event of events) {
      const matched = await this.matchedRules(event, uow);
      this.plans.set(event, matched);
      if (matched.length && event.depth <= MAX_DEPTH) acting.push(event);
    }
    if (!acting.length) return;
    // The cases a rule may change are locked now rather than one by one as their actions run.
    const changing = acting.filter((e) => this.plans.get(e)!.some(mayChangeCase)).map((e) => e.caseId);
    const found = await this.cases.readAhead(uow, acting.map((e) => e.caseId), changing);
    const known = uow.cache<CaseSnapshot | null>(BATCH_CASES);
    for (const { caseId } of acting) known.set(caseId, found.get(caseId) ?? null);
    const people = acting.flatMap((e) => [found.get(e.caseId)?.assigneeId, found.get(e.caseId)?.ownerId, e.actorId]);
    // Kept in the unit's user cache, where the actions look them up.
    await this.users.findManyByIds(people.filter((id): id is string => !!id), uow);
  }

  async consume(event: DomainEvent, uow: UnitOfWork): Promise<void> {
    let matched = this.plans.get(event) ?? (await this.matchedRules(event, uow));
    // A rule this batch has just paused runs no more, though the batch's copy of the rule set predates the pause.
    matched = matched.filter((r) => !this.breaker.pausedInUnit(uow, r.id));
    // A dead letter an admin retried: a rule that already ran for it (its history row exists) is not run again.
    if (event.redelivered && matched.length) {
      const ran = await this.history.rulesRunFor(uow, event.id, event.caseId);
      matched = matched.filter((r) => !ran.has(r.id));
    }
    if (!matched.length) return;
    // A cooldown reads the rule's last run on the case, which may be among the runs this unit has staged.
    if (event.depth <= MAX_DEPTH && matched.some((r) => r.cooldownSeconds > 0)) await this.runner.writeStaged(uow);
    const cooling = event.depth > MAX_DEPTH ? new Set<string>()
      : await this.history.coolingDown(uow, matched.map((r) => ({ ruleId: r.id, caseId: event.caseId, cooldownSeconds: r.cooldownSeconds })));
    // Loaded once (by prepare(), for a batch), then carried from run to run: each rule sees the case as the
    // previous one left it, and so does the next event of the same case in the batch.
    const known = uow.cache<CaseSnapshot | null>(BATCH_CASES);
    let current = known.get(event.caseId);
    // Every rule's history row in one statement, with the other events' of the batch when it is optimistic.
    const pending: PendingHistory[] = [];
    for (const rule of matched) {
      const req = forEvent(rule, event);
      if (event.depth > MAX_DEPTH) this.runner.skipInto(pending, req, 'MAX_DEPTH');
      else if (cooling.has(cooldownKey(rule.id, event.caseId))) this.runner.skipInto(pending, req, 'COOLDOWN');
      else current = await this.runner.runInto(pending, uow, req, current);
    }
    await this.runner.recordAtCommit(uow, pending);
    if (known.has(event.caseId) && current !== undefined) known.set(event.caseId, current);
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
}
