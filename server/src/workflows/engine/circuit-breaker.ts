import { Inject, Injectable, Logger } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import type { EntityManager } from 'typeorm';
import { AuditService, SYSTEM_CONTEXT } from '../../audit/audit.service';
import { APP_CONFIG, type AppConfig } from '../../config/app-config';
import type { UnitOfWork } from '../../database/unit-of-work';
import type { SqlFragment } from '../../database/executor';
import { NotificationsService } from '../../notifications/notifications.service';
import { UsersService } from '../../users/users.service';
import { RevisionRepository } from '../rules/revision.repository';
import { RULES_CHANGED } from '../rules/rule-set.cache';
import { RuleRepository } from '../rules/rule.repository';
import type { Rule } from '../rules/rule.types';

/** A finished run as the breaker counts it (skips are not runs: they neither count nor reset). */
export interface RunResult { rule: Rule; success: boolean; errorMessage: string | null }

/** Per rule: whether its last run among those counted succeeded, the failures after that, and the last error. */
export type CountedRuns = Map<string, { ruleId: string; ok: boolean; failures: number; lastError: string | null }>;

/** A rule row the counting statement changed. */
export interface CountAnswer { id: string; consecutive_failures: number; reached: boolean }

/** Long enough to say what broke, short enough for a tooltip. */
const MAX_ERROR_IN_REASON = 300;

/**
 * Pauses a rule after RULE_PAUSE_AFTER_FAILURES consecutive failed runs. The count lives in the rule's
 * row and is changed in the run's own transaction, so runs in several processes add up to one count and a
 * run that rolls back counts nothing. Pausing is a change of the rule like any other: a revision, an audit
 * entry, the rule-set version bumped (every process stops running it), and an URGENT notification to
 * every active admin.
 */
@Injectable()
export class CircuitBreaker {
  private readonly logger = new Logger('CircuitBreaker');
  /** Rules paused inside a transaction not yet committed: later runs in that same transaction skip them. */
  private readonly pausedIn = new WeakMap<EntityManager, Set<string>>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly rules: RuleRepository,
    private readonly revisions: RevisionRepository,
    private readonly audit: AuditService,
    private readonly notifications: NotificationsService,
    private readonly users: UsersService,
    private readonly emitter: EventEmitter2,
  ) {}

  /** Whether this transaction has paused the rule already (its cached rule set does not know yet). */
  pausedInUnit(uow: UnitOfWork, ruleId: string): boolean {
    return this.pausedIn.get(uow.manager)?.has(ruleId) ?? false;
  }

  /**
   * The count of these runs as SQL (parameters from `$first`) for the caller to run with the runs' history rows, in
   * the same statement; null when there is nothing to count. Pass what it answers, with the returned `counted`, to
   * pauseReached().
   */
  countingSql(results: RunResult[], first: number): { fragment: SqlFragment; counted: CountedRuns } | null {
    // Per rule, in run order: a success restarts the count, each failure after it adds one.
    const counted: CountedRuns = new Map();
    for (const { rule, success, errorMessage } of results) {
      if (rule.pausedAt) continue;
      const entry = counted.get(rule.id) ?? { ruleId: rule.id, ok: true, failures: 0, lastError: null };
      if (success) Object.assign(entry, { ok: true, failures: 0 });
      else Object.assign(entry, { ok: false, failures: entry.failures + 1, lastError: errorMessage });
      counted.set(rule.id, entry);
    }
    if (!counted.size) return null;
    return { fragment: this.rules.countRunsSql([...counted.values()], this.config.rulePauseAfterFailures, first), counted };
  }

  /** Pauses the rules whose count (as the counting statement answered it) reached the limit; returns their ids. */
  async pauseReached(uow: UnitOfWork, counted: CountedRuns, answered: CountAnswer[]): Promise<string[]> {
    const reached = answered.filter((r) => r.reached);
    for (const { id, consecutive_failures: failures } of reached) {
      await this.rules.pause(uow, id, reasonFor(failures, counted.get(id)?.lastError ?? null));
      await this.pause(uow, id);
    }
    return reached.map((r) => r.id);
  }

  private async pause(uow: UnitOfWork, ruleId: string): Promise<void> {
    let set = this.pausedIn.get(uow.manager);
    if (!set) this.pausedIn.set(uow.manager, (set = new Set()));
    set.add(ruleId);
    const rule = (await this.rules.findById(ruleId, uow))!;
    const revision = await this.revisions.record(uow, ruleId, rule, 'PAUSED', null);
    await this.audit.record(uow, SYSTEM_CONTEXT, {
      action: 'RULE_PAUSED', targetType: 'RULE', targetId: ruleId, detail: { name: rule.name, revision, reason: rule.pausedReason },
    });
    const admins = await this.users.activeAdminIds(uow);
    await this.notifications.createMany(admins.map((userId) => ({
      userId, priority: 'URGENT' as const, title: `Rule paused: ${rule.name}`, message: rule.pausedReason ?? 'Paused after repeated failures',
      entityType: 'rule', entityId: ruleId, linkUrl: `/workflows/rules/${ruleId}`,
    })), uow);
    await this.rules.bumpRuleSetVersion(uow);
    uow.afterCommit(() => {
      this.logger.warn(`rule "${rule.name}" paused: ${rule.pausedReason}`);
      this.emitter.emit(RULES_CHANGED, { ruleId });
    });
  }
}

function reasonFor(failures: number, errorMessage: string | null): string {
  const error = (errorMessage ?? 'unknown error').slice(0, MAX_ERROR_IN_REASON);
  return `Paused after ${failures} consecutive failures; last error: ${error}`;
}
