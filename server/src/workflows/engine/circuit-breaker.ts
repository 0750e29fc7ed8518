import { Inject, Injectable, Logger } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import type { EntityManager } from 'typeorm';
import { AuditService, SYSTEM_CONTEXT } from '../../audit/audit.service';
import { APP_CONFIG, type AppConfig } from '../../config/app-config';
import type { UnitOfWork } from '../../database/unit-of-work';
import { NotificationsService } from '../../notifications/notifications.service';
import { UsersService } from '../../users/users.service';
import { RevisionRepository } from '../rules/revision.repository';
import { RULES_CHANGED } from '../rules/rule-set.cache';
import { RuleRepository } from '../rules/rule.repository';
import type { Rule } from '../rules/rule.types';

/** A finished run as the breaker counts it (skips are not runs: they neither count nor reset). */
export interface RunResult { rule: Rule; success: boolean; errorMessage: string | null }

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

  /** Counts the runs in `uow` (one statement); returns the ids of the rules this paused. */
  async count(uow: UnitOfWork, results: RunResult[]): Promise<string[]> {
    // Per rule, in run order: a success restarts the count, each failure after it adds one.
    const perRule = new Map<string, { ruleId: string; ok: boolean; failures: number; lastError: string | null }>();
    for (const { rule, success, errorMessage } of results) {
      if (rule.pausedAt) continue;
      const entry = perRule.get(rule.id) ?? { ruleId: rule.id, ok: true, failures: 0, lastError: null };
      if (success) Object.assign(entry, { ok: true, failures: 0 });
      else Object.assign(entry, { ok: false, failures: entry.failures + 1, lastError: errorMessage });
      perRule.set(rule.id, entry);
    }
    const reached = await this.rules.countRuns(uow, [...perRule.values()], this.config.rulePauseAfterFailures);
    for (const { ruleId, failures } of reached) {
      await this.rules.pause(uow, ruleId, reasonFor(failures, perRule.get(ruleId)?.lastError ?? null));
      await this.pause(uow, ruleId);
    }
    return reached.map((r) => r.ruleId);
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
