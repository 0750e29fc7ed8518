import { BadRequestException, ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { DataSource } from 'typeorm';
import type { AuthUser } from '../../common/auth-user';
import type { ListResult } from '../../common/list';
import { TransactionRunner, type UnitOfWork } from '../../database/unit-of-work';
import { UsersService } from '../../users/users.service';
import { isUniqueViolation } from '../../database/sql-errors';
import type { ActionDto, CreateRuleDto, ListRulesQuery, UpdateActionDto, UpdateRuleDto } from '../dto/rule.dto';
import { RevisionsService } from './revisions.service';
import { loadAction, loadRule, loadRules } from './rule-rows';
import { bumpRuleSetVersion, RULES_CHANGED } from './rule-set.cache';
import { validateAction, validateTrigger } from './rule-validation';
import type { Rule, RuleAction, TriggerType } from './rule.types';

/** The largest `sequence` an action may have (ActionDto's @Max). */
const MAX_SEQUENCE = 10000;

/** Rules and their actions: validation, storage, revisions and cache invalidation. */
@Injectable()
export class RulesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly tx: TransactionRunner,
    private readonly users: UsersService,
    private readonly revisions: RevisionsService,
    private readonly emitter: EventEmitter2,
  ) {}

  async list(query: ListRulesQuery): Promise<ListResult<Rule>> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (query.triggerType) { params.push(query.triggerType); where.push(`trigger_type = $${params.length}`); }
    if (query.isEnabled !== undefined) { params.push(query.isEnabled); where.push(`is_enabled = $${params.length}`); }
    const { rules, total } = await loadRules(this.dataSource.manager, where.join(' AND ') || 'true', params, query);
    return { items: rules, total };
  }

  async get(id: string): Promise<Rule> {
    const rule = await loadRule(this.dataSource.manager, id);
    if (!rule) throw new NotFoundException('rule not found');
    return rule;
  }

  async create(user: AuthUser, dto: CreateRuleDto): Promise<Rule> {
    return (await this.createMany(user, [dto], 'CREATED'))[0];
  }

  /**
   * Validates every rule first (messages prefixed with `rules[i].` when
   * several), then stores them all in one transaction: all or nothing.
   */
  async createMany(user: AuthUser, dtos: CreateRuleDto[], change: string): Promise<Rule[]> {
    const prepared = dtos.map((dto, i) => {
      const prefix = dtos.length > 1 || change !== 'CREATED' ? `rules[${i}].` : '';
      const trigger = validateTrigger(dto.triggerType, dto.triggerConfig, `${prefix}triggerConfig`);
      const actions = (dto.actions ?? []).map((a, j) => ({ ...validateAction(a.actionType, a.actionConfig, `${prefix}actions[${j}].actionConfig`), dto: a, index: j }));
      return { dto, trigger, actions, problems: [...trigger.problems, ...actions.flatMap((a) => a.problems)] };
    });
    const problems = prepared.flatMap((p) => p.problems);
    problems.push(...(await this.unknownUsers(prepared.flatMap((p) => p.actions.flatMap((a) => a.userIds)))));
    const names = dtos.map((d) => d.name.toLowerCase());
    names.forEach((n, i) => { if (names.indexOf(n) !== i) problems.push(`rules[${i}].name: "${dtos[i].name}" appears more than once`); });
    if (problems.length) throw new BadRequestException(problems);
    const ids: string[] = [];
    await this.inTransaction(async (uow) => {
      for (const { dto, trigger, actions } of prepared) {
        const [row] = await uow.manager.query(
          `INSERT INTO workflow_rules (name, description, trigger_type, trigger_config, is_enabled, priority, stop_processing,
             cooldown_seconds, scope_codes, case_types, created_by)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::case_type[], $11) RETURNING id`,
          [dto.name, dto.description ?? '', dto.triggerType, JSON.stringify(trigger.config), dto.isEnabled ?? true, dto.priority ?? 100,
            dto.stopProcessing ?? false, dto.cooldownSeconds ?? 300, [...new Set(dto.scopeCodes ?? [])], [...new Set(dto.caseTypes ?? [])], user.id]);
        for (const a of actions) await this.insertAction(uow, row.id, a.dto, a.config, a.dto.sequence ?? a.index);
        await this.recordChange(uow, user, row.id, change);
        ids.push(row.id);
      }
    });
    return (await loadRules(this.dataSource.manager, 'id = ANY($1)', [ids])).rules.sort((a, b) => ids.indexOf(a.id) - ids.indexOf(b.id));
  }

  async update(user: AuthUser, id: string, dto: UpdateRuleDto): Promise<Rule> {
    return this.change(user, 'UPDATED', async (uow) => {
      const rule = await this.require(uow, id);
      const triggerType: TriggerType = dto.triggerType ?? rule.triggerType;
      let triggerConfig = rule.triggerConfig;
      if (dto.triggerType !== undefined || dto.triggerConfig !== undefined) {
        const trigger = validateTrigger(triggerType, dto.triggerConfig ?? rule.triggerConfig);
        if (trigger.problems.length) throw new BadRequestException(trigger.problems);
        triggerConfig = trigger.config;
      }
      await uow.manager.query(
        `UPDATE workflow_rules SET name = $2, description = $3, trigger_type = $4, trigger_config = $5, is_enabled = $6, priority = $7,
           stop_processing = $8, cooldown_seconds = $9, scope_codes = $10, case_types = $11::case_type[], updated_at = clock_timestamp()
         WHERE id = $1`,
        [id, dto.name ?? rule.name, dto.description ?? rule.description, triggerType, JSON.stringify(triggerConfig),
          dto.isEnabled ?? rule.isEnabled, dto.priority ?? rule.priority, dto.stopProcessing ?? rule.stopProcessing,
          dto.cooldownSeconds ?? rule.cooldownSeconds, dto.scopeCodes ? [...new Set(dto.scopeCodes)] : rule.scopeCodes,
          dto.caseTypes ? [...new Set(dto.caseTypes)] : rule.caseTypes]);
      return id;
    }, id);
  }

  async toggle(user: AuthUser, id: string): Promise<Rule> {
    return this.change(user, 'TOGGLED', async (uow) => {
      await this.require(uow, id);
      await uow.manager.query(`UPDATE workflow_rules SET is_enabled = NOT is_enabled, updated_at = clock_timestamp() WHERE id = $1`, [id]);
      return id;
    }, id);
  }

  async remove(user: AuthUser, id: string): Promise<void> {
    await this.tx.run(async (uow) => {
      const rule = await this.require(uow, id);
      await uow.manager.query('DELETE FROM workflow_rules WHERE id = $1', [id]);
      await this.revisions.record(uow, id, { ...rule, deleted: true }, 'DELETED', user.id);
      await bumpRuleSetVersion(uow.manager);
      uow.afterCommit(() => void this.emitter.emit(RULES_CHANGED, { ruleId: id }));
    });
  }

  async addAction(user: AuthUser, ruleId: string, dto: ActionDto): Promise<RuleAction> {
    const checked = validateAction(dto.actionType, dto.actionConfig, 'actionConfig');
    const problems = [...checked.problems, ...(await this.unknownUsers(checked.userIds))];
    if (problems.length) throw new BadRequestException(problems);
    let actionId = '';
    await this.change(user, 'ACTION_ADDED', async (uow) => {
      const rule = await this.require(uow, ruleId);
      const sequence = dto.sequence ?? (rule.actions.length ? Math.max(...rule.actions.map((a) => a.sequence)) + 1 : 0);
      if (sequence > MAX_SEQUENCE) throw new BadRequestException([`sequence: the last action is at ${MAX_SEQUENCE}; give this one a sequence`]);
      actionId = await this.insertAction(uow, ruleId, dto, checked.config, sequence);
      return ruleId;
    }, ruleId);
    return (await loadAction(this.dataSource.manager, ruleId, actionId))!;
  }

  async updateAction(user: AuthUser, ruleId: string, actionId: string, dto: UpdateActionDto): Promise<RuleAction> {
    await this.change(user, 'ACTION_UPDATED', async (uow) => {
      await this.require(uow, ruleId);
      const action = await loadAction(uow.manager, ruleId, actionId);
      if (!action) throw new NotFoundException('action not found');
      const actionType = dto.actionType ?? action.actionType;
      const checked = validateAction(actionType, dto.actionConfig ?? action.actionConfig, 'actionConfig');
      const problems = [...checked.problems, ...(await this.unknownUsers(checked.userIds))];
      if (problems.length) throw new BadRequestException(problems);
      await uow.manager.query(
        `UPDATE workflow_actions SET action_type = $3, action_config = $4, sequence = $5 WHERE id = $1 AND rule_id = $2`,
        [actionId, ruleId, actionType, JSON.stringify(checked.config), dto.sequence ?? action.sequence]);
      await this.touch(uow, ruleId);
      return ruleId;
    }, ruleId);
    return (await loadAction(this.dataSource.manager, ruleId, actionId))!;
  }

  async removeAction(user: AuthUser, ruleId: string, actionId: string): Promise<void> {
    await this.change(user, 'ACTION_REMOVED', async (uow) => {
      await this.require(uow, ruleId);
      const [, n] = await uow.manager.query('DELETE FROM workflow_actions WHERE id = $1 AND rule_id = $2', [actionId, ruleId]);
      if (!n) throw new NotFoundException('action not found');
      await this.touch(uow, ruleId);
      return ruleId;
    }, ruleId);
  }

  /** Puts the rule back as it was at `revision`; the restore is itself a new revision. */
  async restore(user: AuthUser, ruleId: string, revision: number): Promise<Rule> {
    return this.change(user, `RESTORED_FROM_${revision}`, async (uow) => {
      await this.require(uow, ruleId);
      const snapshot = await this.revisions.snapshot(uow, ruleId, revision);
      if (!snapshot) throw new NotFoundException('revision not found');
      if ((snapshot as { deleted?: boolean }).deleted) throw new ConflictException('that revision records the deletion');
      await uow.manager.query(
        `UPDATE workflow_rules SET name = $2, description = $3, trigger_type = $4, trigger_config = $5, is_enabled = $6, priority = $7,
           stop_processing = $8, cooldown_seconds = $9, scope_codes = $10, case_types = $11::case_type[], updated_at = clock_timestamp()
         WHERE id = $1`,
        [ruleId, snapshot.name, snapshot.description, snapshot.triggerType, JSON.stringify(snapshot.triggerConfig), snapshot.isEnabled,
          snapshot.priority, snapshot.stopProcessing, snapshot.cooldownSeconds, snapshot.scopeCodes, snapshot.caseTypes]);
      await uow.manager.query('DELETE FROM workflow_actions WHERE rule_id = $1', [ruleId]);
      for (const a of snapshot.actions) {
        await uow.manager.query(
          `INSERT INTO workflow_actions (id, rule_id, action_type, action_config, sequence) VALUES ($1, $2, $3, $4, $5)`,
          [a.id, ruleId, a.actionType, JSON.stringify(a.actionConfig), a.sequence]);
      }
      return ruleId;
    }, ruleId);
  }

  /** Runs a rule change in one transaction with its revision and the cache bump; maps name clashes to 409. */
  private async change(user: AuthUser, kind: string, work: (uow: UnitOfWork) => Promise<string>, lockId?: string): Promise<Rule> {
    return this.inTransaction(async (uow) => {
      if (lockId) await uow.manager.query('SELECT 1 FROM workflow_rules WHERE id = $1 FOR UPDATE', [lockId]);
      const id = await work(uow);
      return this.recordChange(uow, user, id, kind);
    });
  }

  /** Revision + rule-set version bump + in-process notice after commit: what every rule change needs. */
  private async recordChange(uow: UnitOfWork, user: AuthUser, id: string, kind: string): Promise<Rule> {
    const rule = (await loadRule(uow.manager, id))!;
    await this.revisions.record(uow, id, rule, kind, user.id);
    await bumpRuleSetVersion(uow.manager);
    uow.afterCommit(() => void this.emitter.emit(RULES_CHANGED, { ruleId: id }));
    return rule;
  }

  private async inTransaction<T>(work: (uow: UnitOfWork) => Promise<T>): Promise<T> {
    try {
      return await this.tx.run(work);
    } catch (error) {
      if (isUniqueViolation(error)) throw new ConflictException('a rule with that name already exists');
      throw error;
    }
  }

  private async insertAction(uow: UnitOfWork, ruleId: string, dto: ActionDto, config: Record<string, unknown>, sequence: number): Promise<string> {
    const [row] = await uow.manager.query(
      `INSERT INTO workflow_actions (rule_id, action_type, action_config, sequence) VALUES ($1, $2, $3, $4) RETURNING id`,
      [ruleId, dto.actionType, JSON.stringify(config), sequence]);
    await this.touch(uow, ruleId);
    return row.id;
  }

  private async touch(uow: UnitOfWork, ruleId: string): Promise<void> {
    await uow.manager.query('UPDATE workflow_rules SET updated_at = clock_timestamp() WHERE id = $1', [ruleId]);
  }

  private async require(uow: UnitOfWork, id: string): Promise<Rule> {
    const rule = await loadRule(uow.manager, id);
    if (!rule) throw new NotFoundException('rule not found');
    return rule;
  }

  /** Named users must exist (being active is checked when the action runs: users change). */
  private async unknownUsers(refs: Array<{ id: string; path: string }>): Promise<string[]> {
    if (!refs.length) return [];
    const found = new Set((await this.users.findManyByIds([...new Set(refs.map((r) => r.id))])).map((u) => u.id));
    return refs.filter((r) => !found.has(r.id)).map((r) => `${r.path}: no user with id ${r.id}`);
  }
}
