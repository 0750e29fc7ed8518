import { BadRequestException, ConflictException, Injectable, NotFoundException, PreconditionFailedException } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import type { AuditAction } from '../../../../contracts/enums';
import { AuditService } from '../../audit/audit.service';
import type { AuthUser } from '../../common/auth-user';
import type { ListResult } from '../../common/list';
import { TransactionRunner, type UnitOfWork } from '../../database/unit-of-work';
import { UsersService } from '../../users/users.service';
import { WebhooksService } from '../../webhooks/webhooks.service';
import { isUniqueViolation } from '../../database/sql-errors';
import type { ActionDto, CreateRuleDto, ListRulesQuery, ReplaceRuleDto, UpdateActionDto, UpdateRuleDto } from '../dto/rule.dto';
import { RevisionRepository } from './revision.repository';
import { parseAction, parseRuleBody, parseTrigger } from './rule-config';
import { RULES_CHANGED } from './rule-set.cache';
import { RuleRepository, type Db, type RuleRecord } from './rule.repository';
import type { Rule, RuleAction, RuleTrigger } from './rule.types';

/** The largest `sequence` an action may have (ActionDto's @Max). */
const MAX_SEQUENCE = 10000;

/** The id a draft (unsaved) rule carries while it is evaluated. */
export const DRAFT_RULE_ID = '00000000-0000-0000-0000-000000000000';

/** A rule as saved, with the number of its newest revision (the ETag of rule responses). */
export interface SavedRule { rule: Rule; revision: number }

/** The revision an `If-Match` header expects; undefined: no precondition (last write wins). */
export type ExpectedRevision = string | undefined;

function revisionMatches(ifMatch: string, current: number): boolean {
  return ifMatch.split(',').map((tag) => tag.trim().replace(/^W\//, '')).some((tag) => tag === '*' || tag === `"${current}"`);
}

/** A rule's own fields from a create/replace body, defaults filled in. */
function recordOf(dto: CreateRuleDto, trigger: RuleTrigger): RuleRecord {
  return {
    name: dto.name, description: dto.description ?? '', ...trigger, isEnabled: dto.isEnabled ?? true, priority: dto.priority ?? 100,
    stopProcessing: dto.stopProcessing ?? false, cooldownSeconds: dto.cooldownSeconds ?? 300,
    scopeCodes: [...new Set(dto.scopeCodes ?? [])], caseTypes: [...new Set(dto.caseTypes ?? [])],
  };
}

/** The audit action of a revision's change kind (UPDATED, REPLACED and the action edits are all updates). */
function auditActionOf(kind: string): AuditAction {
  if (kind === 'CREATED') return 'RULE_CREATED';
  if (kind === 'TOGGLED') return 'RULE_TOGGLED';
  if (kind === 'RESUMED') return 'RULE_RESUMED';
  if (kind.startsWith('RESTORED_FROM_')) return 'RULE_RESTORED';
  return 'RULE_UPDATED';
}

/** Rules and their actions: validation, storage, revisions, audit entries and cache invalidation. */
@Injectable()
export class RulesService {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly users: UsersService,
    private readonly repository: RuleRepository,
    private readonly revisions: RevisionRepository,
    private readonly emitter: EventEmitter2,
    private readonly audit: AuditService,
    private readonly webhooks: WebhooksService,
  ) {}

  async list(query: ListRulesQuery): Promise<ListResult<Rule>> {
    const { rules, total } = await this.repository.list({ triggerType: query.triggerType, isEnabled: query.isEnabled }, query);
    return { items: rules, total };
  }

  async get(id: string, uow?: UnitOfWork): Promise<Rule> {
    const rule = await this.repository.findById(id, uow);
    if (!rule) throw new NotFoundException('rule not found');
    return rule;
  }

  /** The rule, or undefined when it does not exist (any more). */
  find(id: string, db?: Db): Promise<Rule | undefined> {
    return this.repository.findById(id, db);
  }

  async getWithRevision(id: string): Promise<SavedRule> {
    const [rule, revision] = await Promise.all([this.get(id), this.revisions.current(id)]);
    return { rule, revision };
  }

  async create(user: AuthUser, dto: CreateRuleDto): Promise<SavedRule> {
    const [saved] = await this.save(user, [dto], 'CREATED');
    return saved;
  }

  /**
   * Validates every rule first (messages prefixed with `rules[i].` when
   * several), then stores them all in one transaction: all or nothing.
   */
  async createMany(user: AuthUser, dtos: CreateRuleDto[], change: string): Promise<Rule[]> {
    return (await this.save(user, dtos, change)).map((s) => s.rule);
  }

  /**
   * A rule body validated exactly as `create` validates it, but not stored: the typed rule a dry run
   * evaluates. It has no id of its own (the nil UUID), so nothing keyed by rule id can match it.
   */
  async draft(dto: CreateRuleDto): Promise<Rule> {
    const parsed = parseRuleBody(dto);
    const problems = [...parsed.problems, ...(await this.unknownUsers(parsed.userIds))];
    if (problems.length || !parsed.trigger) throw new BadRequestException(problems);
    const id = DRAFT_RULE_ID;
    const now = new Date().toISOString();
    return {
      ...recordOf(dto, parsed.trigger), id, createdAt: now, updatedAt: now, pausedAt: null, pausedReason: null,
      actions: parsed.actions.map((a, i) => ({ ...a.spec, id: `${DRAFT_RULE_ID.slice(0, -12)}${String(i + 1).padStart(12, '0')}`, ruleId: id, sequence: a.sequence })),
    } as Rule;
  }

  async update(user: AuthUser, id: string, dto: UpdateRuleDto, ifMatch?: ExpectedRevision): Promise<SavedRule> {
    return this.change(user, 'UPDATED', id, ifMatch, async (uow, rule) => {
      let trigger: RuleTrigger | undefined;
      if (dto.triggerType !== undefined || dto.triggerConfig !== undefined) {
        const parsed = parseTrigger(dto.triggerType ?? rule.triggerType, dto.triggerConfig ?? rule.triggerConfig);
        if (!parsed.value) throw new BadRequestException(parsed.problems);
        trigger = parsed.value;
      }
      await this.repository.update(uow, id, {
        ...rule, ...trigger,
        name: dto.name ?? rule.name, description: dto.description ?? rule.description,
        isEnabled: dto.isEnabled ?? rule.isEnabled, priority: dto.priority ?? rule.priority, stopProcessing: dto.stopProcessing ?? rule.stopProcessing,
        cooldownSeconds: dto.cooldownSeconds ?? rule.cooldownSeconds, scopeCodes: dto.scopeCodes ? [...new Set(dto.scopeCodes)] : rule.scopeCodes,
        caseTypes: dto.caseTypes ? [...new Set(dto.caseTypes)] : rule.caseTypes,
      });
    });
  }

  /** PUT: the rule and all its actions replaced in one transaction, recorded as one revision. */
  async replace(user: AuthUser, id: string, dto: ReplaceRuleDto, ifMatch?: ExpectedRevision): Promise<SavedRule> {
    const parsed = parseRuleBody(dto);
    const problems = [...parsed.problems, ...(await this.unknownRefs(parsed))];
    if (problems.length || !parsed.trigger) throw new BadRequestException(problems);
    const trigger = parsed.trigger;
    return this.change(user, 'REPLACED', id, ifMatch, async (uow, rule) => {
      await this.repository.update(uow, id, recordOf(dto, trigger));
      // The n-th action keeps the n-th saved action's id, so a revision diff shows what changed, not new ids.
      for (const [i, a] of parsed.actions.entries()) {
        const kept = rule.actions[i];
        if (kept) await this.repository.updateAction(uow, id, kept.id, a.spec, a.sequence);
        else await this.repository.insertAction(uow, id, a.spec, a.sequence);
      }
      for (const gone of rule.actions.slice(parsed.actions.length)) await this.repository.deleteAction(uow, id, gone.id);
    });
  }

  /** Whether the circuit breaker has paused the rule, as committed now. */
  isPaused(id: string): Promise<boolean> {
    return this.repository.isPaused(id);
  }

  /** Ends a pause of the circuit breaker: the rule runs again and its failure count starts from zero. */
  async resume(user: AuthUser, id: string, ifMatch?: ExpectedRevision): Promise<SavedRule> {
    return this.change(user, 'RESUMED', id, ifMatch, async (uow, rule) => {
      if (!rule.pausedAt) throw new ConflictException('the rule is not paused');
      await this.repository.resume(uow, id);
    });
  }

  async toggle(user: AuthUser, id: string, ifMatch?: ExpectedRevision): Promise<SavedRule> {
    return this.change(user, 'TOGGLED', id, ifMatch, (uow) => this.repository.toggle(uow, id));
  }

  async remove(user: AuthUser, id: string, ifMatch?: ExpectedRevision): Promise<void> {
    await this.tx.run(async (uow) => {
      await this.repository.lock(uow, id);
      const rule = await this.get(id, uow);
      await this.checkRevision(uow, id, ifMatch);
      await this.repository.delete(uow, id);
      const revision = await this.revisions.record(uow, id, { ...rule, deleted: true }, 'DELETED', user.id);
      await this.audit.recordBy(uow, user, { action: 'RULE_DELETED', targetType: 'RULE', targetId: id, detail: { name: rule.name, revision } });
      await this.repository.bumpRuleSetVersion(uow);
      uow.afterCommit(() => void this.emitter.emit(RULES_CHANGED, { ruleId: id }));
    });
  }

  async addAction(user: AuthUser, ruleId: string, dto: ActionDto, ifMatch?: ExpectedRevision): Promise<{ action: RuleAction; revision: number }> {
    const parsed = parseAction(dto.actionType, dto.actionConfig, 'actionConfig');
    const problems = [...parsed.problems, ...(await this.unknownRefs(parsed))];
    if (problems.length || !parsed.value) throw new BadRequestException(problems);
    const spec = parsed.value;
    let actionId = '';
    const { revision } = await this.change(user, 'ACTION_ADDED', ruleId, ifMatch, async (uow, rule) => {
      const sequence = dto.sequence ?? (rule.actions.length ? Math.max(...rule.actions.map((a) => a.sequence)) + 1 : 0);
      if (sequence > MAX_SEQUENCE) throw new BadRequestException([`sequence: the last action is at ${MAX_SEQUENCE}; give this one a sequence`]);
      actionId = await this.repository.insertAction(uow, ruleId, spec, sequence);
      await this.repository.touch(uow, ruleId);
    });
    return { action: (await this.repository.findAction(ruleId, actionId))!, revision };
  }

  async updateAction(
    user: AuthUser, ruleId: string, actionId: string, dto: UpdateActionDto, ifMatch?: ExpectedRevision,
  ): Promise<{ action: RuleAction; revision: number }> {
    const { revision } = await this.change(user, 'ACTION_UPDATED', ruleId, ifMatch, async (uow) => {
      const action = await this.repository.findAction(ruleId, actionId, uow);
      if (!action) throw new NotFoundException('action not found');
      const parsed = parseAction(dto.actionType ?? action.actionType, dto.actionConfig ?? action.actionConfig, 'actionConfig');
      const problems = [...parsed.problems, ...(await this.unknownRefs(parsed))];
      if (problems.length || !parsed.value) throw new BadRequestException(problems);
      await this.repository.updateAction(uow, ruleId, actionId, parsed.value, dto.sequence ?? action.sequence);
      await this.repository.touch(uow, ruleId);
    });
    return { action: (await this.repository.findAction(ruleId, actionId))!, revision };
  }

  async removeAction(user: AuthUser, ruleId: string, actionId: string, ifMatch?: ExpectedRevision): Promise<void> {
    await this.change(user, 'ACTION_REMOVED', ruleId, ifMatch, async (uow) => {
      if (!(await this.repository.deleteAction(uow, ruleId, actionId))) throw new NotFoundException('action not found');
      await this.repository.touch(uow, ruleId);
    });
  }

  /** Puts the rule back as it was at `revision`; the restore is itself a new revision. */
  async restore(user: AuthUser, ruleId: string, revision: number, ifMatch?: ExpectedRevision): Promise<SavedRule> {
    return this.change(user, `RESTORED_FROM_${revision}`, ruleId, ifMatch, async (uow) => {
      const snapshot = await this.revisions.snapshot(uow, ruleId, revision);
      if (!snapshot) throw new NotFoundException('revision not found');
      if (snapshot.deleted) throw new ConflictException('that revision records the deletion');
      await this.repository.update(uow, ruleId, snapshot);
      await this.repository.deleteActions(uow, ruleId);
      for (const a of snapshot.actions) await this.repository.insertAction(uow, ruleId, a, a.sequence, a.id);
    });
  }

  private async save(user: AuthUser, dtos: CreateRuleDto[], change: string): Promise<SavedRule[]> {
    const prepared = dtos.map((dto, i) => ({ dto, ...parseRuleBody(dto, dtos.length > 1 || change !== 'CREATED' ? `rules[${i}].` : '') }));
    const problems = prepared.flatMap((p) => p.problems);
    problems.push(...(await this.unknownRefs({ userIds: prepared.flatMap((p) => p.userIds), webhookIds: prepared.flatMap((p) => p.webhookIds) })));
    const names = dtos.map((d) => d.name.toLowerCase());
    names.forEach((n, i) => { if (names.indexOf(n) !== i) problems.push(`rules[${i}].name: "${dtos[i].name}" appears more than once`); });
    if (problems.length) throw new BadRequestException(problems);
    return this.inTransaction(async (uow) => {
      const saved: SavedRule[] = [];
      for (const { dto, trigger, actions } of prepared) {
        const id = await this.repository.insert(uow, recordOf(dto, trigger!), user.id);
        for (const a of actions) await this.repository.insertAction(uow, id, a.spec, a.sequence);
        saved.push(await this.recordChange(uow, user, id, change, change !== 'IMPORTED'));
      }
      if (change === 'IMPORTED') {
        await this.audit.recordBy(uow, user, {
          action: 'RULES_IMPORTED', targetType: 'RULE', detail: { rules: saved.map(({ rule }) => ({ id: rule.id, name: rule.name })) },
        });
      }
      return saved;
    });
  }

  /**
   * Runs a change of one existing rule in one transaction: the rule row locked, its If-Match checked,
   * then the revision and the cache bump; name clashes become 409.
   */
  private async change(
    user: AuthUser, kind: string, id: string, ifMatch: ExpectedRevision, work: (uow: UnitOfWork, rule: Rule) => Promise<unknown>,
  ): Promise<SavedRule> {
    return this.inTransaction(async (uow) => {
      await this.repository.lock(uow, id);
      const rule = await this.get(id, uow);
      await this.checkRevision(uow, id, ifMatch);
      await work(uow, rule);
      return this.recordChange(uow, user, id, kind);
    });
  }

  private async checkRevision(uow: UnitOfWork, id: string, ifMatch: ExpectedRevision): Promise<void> {
    if (ifMatch === undefined) return;
    const current = await this.revisions.current(id, uow);
    if (!revisionMatches(ifMatch, current)) {
      throw new PreconditionFailedException(`the rule was changed by someone else (it is now at revision ${current}); reload it and apply your edit again`);
    }
  }

  /** Revision + rule-set version bump + in-process notice after commit: what every rule change needs. */
  private async recordChange(uow: UnitOfWork, user: AuthUser, id: string, kind: string, audited = true): Promise<SavedRule> {
    const rule = (await this.repository.findById(id, uow))!;
    const revision = await this.revisions.record(uow, id, rule, kind, user.id);
    if (audited) {
      const restoredFrom = /^RESTORED_FROM_(\d+)$/.exec(kind);
      await this.audit.recordBy(uow, user, {
        action: auditActionOf(kind), targetType: 'RULE', targetId: id,
        detail: { name: rule.name, revision, change: kind, ...(kind === 'TOGGLED' ? { isEnabled: rule.isEnabled } : {}),
          ...(restoredFrom ? { restoredFrom: Number(restoredFrom[1]) } : {}) },
      });
    }
    await this.repository.bumpRuleSetVersion(uow);
    uow.afterCommit(() => void this.emitter.emit(RULES_CHANGED, { ruleId: id }));
    return { rule, revision };
  }

  private async inTransaction<T>(work: (uow: UnitOfWork) => Promise<T>): Promise<T> {
    try {
      return await this.tx.run(work);
    } catch (error) {
      if (isUniqueViolation(error)) throw new ConflictException('a rule with that name already exists');
      throw error;
    }
  }

  /** Named users must exist (being active is checked when the action runs: users change). */
  /** The users and webhooks actions name that do not exist (400 at save). */
  private async unknownRefs(parsed: { userIds: Array<{ id: string; path: string }>; webhookIds?: Array<{ id: string; path: string }> }): Promise<string[]> {
    return [...(await this.unknownUsers(parsed.userIds)), ...(await this.webhooks.unknownWebhooks(parsed.webhookIds ?? []))];
  }

  private async unknownUsers(refs: Array<{ id: string; path: string }>): Promise<string[]> {
    if (!refs.length) return [];
    const found = new Set((await this.users.findManyByIds([...new Set(refs.map((r) => r.id))])).map((u) => u.id));
    return refs.filter((r) => !found.has(r.id)).map((r) => `${r.path}: no user with id ${r.id}`);
  }
}
