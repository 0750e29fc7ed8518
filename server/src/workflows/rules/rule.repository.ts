import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { CaseType } from '../../common/enums';
import { UnitOfWork } from '../../database/unit-of-work';
import type { SqlFragment } from '../../database/executor';
import { storedAction, storedTrigger } from './rule-config';
import type { ActionSpec, ActionType, Rule, RuleAction, RuleTrigger, TriggerType } from './rule.types';
import { escapeLike } from '../../database/like';

/** A transaction (unit or manager) to run in; none: the default pool, outside any transaction. */
export type Db = UnitOfWork | EntityManager | undefined;

interface RuleRow {
  id: string; name: string; description: string; trigger_type: TriggerType; trigger_config: unknown;
  is_enabled: boolean; priority: number; stop_processing: boolean; cooldown_seconds: number; scope_codes: string[];
  case_types: CaseType[] | string; created_at: Date; updated_at: Date; paused_at: Date | null; paused_reason: string | null;
}
interface ActionRow { id: string; rule_id: string; action_type: ActionType; action_config: unknown; sequence: number }

/** A rule's own columns, as written by create, update and restore. */
export type RuleRecord = RuleTrigger & {
  name: string; description: string; isEnabled: boolean; priority: number; stopProcessing: boolean; cooldownSeconds: number;
  scopeCodes: string[]; caseTypes: CaseType[];
};

export interface RuleFilter {
  triggerType?: TriggerType; isEnabled?: boolean;
  /** Name contains, case-insensitive. */
  q?: string;
}

/** An enabled TIME_BASED rule as the scheduler needs it. */
export interface TimeRuleRow { id: string; name: string; cron: string; time_zone: string; last_tick_at: Date | null; created_at: Date }

/** pg returns arrays of an enum type as their text form "{A,B}". */
function enumArray<T extends string>(value: T[] | string): T[] {
  if (Array.isArray(value)) return value;
  const inner = value.replace(/^\{|\}$/g, '');
  return (inner ? inner.split(',') : []) as T[];
}

function toAction(a: ActionRow): RuleAction {
  // Key order as the API has always shown it (revision diffs compare JSON text).
  return { id: a.id, ruleId: a.rule_id, ...storedAction(a.action_type, a.action_config), sequence: a.sequence };
}

function toRule(r: RuleRow, actions: RuleAction[]): Rule {
  return {
    id: r.id, name: r.name, description: r.description, ...storedTrigger(r.trigger_type, r.trigger_config),
    isEnabled: r.is_enabled, priority: r.priority, stopProcessing: r.stop_processing, cooldownSeconds: r.cooldown_seconds,
    scopeCodes: r.scope_codes, caseTypes: enumArray(r.case_types), actions,
    pausedAt: r.paused_at ? new Date(r.paused_at).toISOString() : null, pausedReason: r.paused_reason,
    createdAt: new Date(r.created_at).toISOString(), updatedAt: new Date(r.updated_at).toISOString(),
  };
}

const RULE_COLUMNS = `id, name, description, trigger_type, trigger_config, is_enabled, priority, stop_processing,
  cooldown_seconds, scope_codes, case_types::text[] AS case_types, created_at, updated_at, paused_at, paused_reason`;

const RULE_VALUES = (id: string, r: RuleRecord) => [id, r.name, r.description, r.triggerType, JSON.stringify(r.triggerConfig), r.isEnabled,
  r.priority, r.stopProcessing, r.cooldownSeconds, r.scopeCodes, r.caseTypes];

/** The only place with SQL on workflow_rules, workflow_actions, workflow_rule_set_version and workflow_round_robin. */
@Injectable()
export class RuleRepository {
  constructor(private readonly dataSource: DataSource) {}

  manager(db: Db): EntityManager {
    return db instanceof UnitOfWork ? db.manager : db ?? this.dataSource.manager;
  }

  /** Rules with their actions (in sequence order), ordered by priority then age. */
  async list(filter: RuleFilter = {}, page?: { limit: number; offset: number }, db?: Db): Promise<{ rules: Rule[]; total: number }> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.triggerType) { params.push(filter.triggerType); where.push(`trigger_type = $${params.length}`); }
    if (filter.isEnabled !== undefined) { params.push(filter.isEnabled); where.push(`is_enabled = $${params.length}`); }
    if (filter.q) { params.push(escapeLike(filter.q)); where.push(`name ILIKE '%' || $${params.length} || '%'`); }
    return this.load(this.manager(db), where.join(' AND ') || 'true', params, page);
  }

  async findById(id: string, db?: Db): Promise<Rule | undefined> {
    return (await this.load(this.manager(db), 'id = $1', [id])).rules[0];
  }

  /** In the order of `ids`. */
  async findByIds(ids: string[], db?: Db): Promise<Rule[]> {
    const { rules } = await this.load(this.manager(db), 'id = ANY($1)', [ids]);
    return rules.sort((a, b) => ids.indexOf(a.id) - ids.indexOf(b.id));
  }

  async findAction(ruleId: string, actionId: string, db?: Db): Promise<RuleAction | undefined> {
    const rows: ActionRow[] = await this.manager(db).query(
      `SELECT id, rule_id, action_type, action_config, sequence FROM workflow_actions WHERE id = $1 AND rule_id = $2`, [actionId, ruleId]);
    return rows[0] ? toAction(rows[0]) : undefined;
  }

  /** Of `names` (lowercased), those a rule already has, as that rule spells them. */
  async existingNames(names: string[]): Promise<string[]> {
    const rows: Array<{ name: string }> = await this.dataSource.query('SELECT name FROM workflow_rules WHERE lower(name) = ANY($1)', [names]);
    return rows.map((r) => r.name);
  }

  /** Row-locks the rule for the rest of the transaction (concurrent changes of one rule queue up). */
  async lock(uow: UnitOfWork, id: string): Promise<void> {
    await uow.manager.query('SELECT 1 FROM workflow_rules WHERE id = $1 FOR UPDATE', [id]);
  }

  async insert(uow: UnitOfWork, record: RuleRecord, createdBy: string): Promise<string> {
    const [row] = await uow.manager.query(
      `INSERT INTO workflow_rules (name, description, trigger_type, trigger_config, is_enabled, priority, stop_processing,
         cooldown_seconds, scope_codes, case_types, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::case_type[], $11) RETURNING id`,
      [...RULE_VALUES('', record).slice(1), createdBy]);
    return row.id;
  }

  async update(uow: UnitOfWork, id: string, record: RuleRecord): Promise<void> {
    await uow.manager.query(
      `UPDATE workflow_rules SET name = $2, description = $3, trigger_type = $4, trigger_config = $5, is_enabled = $6, priority = $7,
         stop_processing = $8, cooldown_seconds = $9, scope_codes = $10, case_types = $11::case_type[], updated_at = clock_timestamp()
       WHERE id = $1`,
      RULE_VALUES(id, record));
  }

  async toggle(uow: UnitOfWork, id: string): Promise<void> {
    await uow.manager.query(`UPDATE workflow_rules SET is_enabled = NOT is_enabled, updated_at = clock_timestamp() WHERE id = $1`, [id]);
  }

  async delete(uow: UnitOfWork, id: string): Promise<void> {
    await uow.manager.query('DELETE FROM workflow_rules WHERE id = $1', [id]);
  }

  async touch(uow: UnitOfWork, id: string): Promise<void> {
    await uow.manager.query('UPDATE workflow_rules SET updated_at = clock_timestamp() WHERE id = $1', [id]);
  }

  /** `id` given: restores an action under its old id. */
  async insertAction(uow: UnitOfWork, ruleId: string, action: ActionSpec, sequence: number, id?: string): Promise<string> {
    const [row] = id
      ? await uow.manager.query(
        `INSERT INTO workflow_actions (id, rule_id, action_type, action_config, sequence) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
        [id, ruleId, action.actionType, JSON.stringify(action.actionConfig), sequence])
      : await uow.manager.query(
        `INSERT INTO workflow_actions (rule_id, action_type, action_config, sequence) VALUES ($1, $2, $3, $4) RETURNING id`,
        [ruleId, action.actionType, JSON.stringify(action.actionConfig), sequence]);
    return row.id;
  }

  async updateAction(uow: UnitOfWork, ruleId: string, actionId: string, action: ActionSpec, sequence: number): Promise<void> {
    await uow.manager.query(
      `UPDATE workflow_actions SET action_type = $3, action_config = $4, sequence = $5 WHERE id = $1 AND rule_id = $2`,
      [actionId, ruleId, action.actionType, JSON.stringify(action.actionConfig), sequence]);
  }

  /** False when the rule has no such action. */
  async deleteAction(uow: UnitOfWork, ruleId: string, actionId: string): Promise<boolean> {
    const [, n] = await uow.manager.query('DELETE FROM workflow_actions WHERE id = $1 AND rule_id = $2', [actionId, ruleId]);
    return n > 0;
  }

  async deleteActions(uow: UnitOfWork, ruleId: string): Promise<void> {
    await uow.manager.query('DELETE FROM workflow_actions WHERE rule_id = $1', [ruleId]);
  }

  /** Bumped inside every transaction that changes a rule or its actions; every process compares it with its cached copy. */
  async ruleSetVersion(db?: Db): Promise<number> {
    const [{ version }] = await this.manager(db).query('SELECT version FROM workflow_rule_set_version WHERE id = 1');
    return Number(version);
  }

  async bumpRuleSetVersion(uow: UnitOfWork): Promise<void> {
    await uow.manager.query('UPDATE workflow_rule_set_version SET version = version + 1 WHERE id = 1');
  }

  async enabledTimeRules(): Promise<TimeRuleRow[]> {
    return this.dataSource.query(
      `SELECT id, name, trigger_config->>'cron' AS cron, COALESCE(trigger_config->>'timeZone', 'UTC') AS time_zone, last_tick_at, created_at FROM workflow_rules
        WHERE is_enabled AND paused_at IS NULL AND trigger_type = 'TIME_BASED'`);
  }

  /**
   * Counts finished runs in one statement: per rule, `ok` (its last run here succeeded: the count restarts at
   * zero) or else `failures` more failed runs in a row. Failures lock the rule's row, so every process adds to
   * the same count; a success on a rule without failures matches no row and so writes and locks nothing (the
   * usual case, on every successful run). Returns the rules whose count has just reached `pauseAfter` (0: never)
   * and are not paused yet, with their count, for the caller to pause.
   */
  /**
   * Counts finished runs per rule (`ok`: the last run succeeded, which restarts the count; else `failures` more) as a
   * data-modifying SQL whose parameters start at `$first`, for the caller to run beside the runs' history rows in one
   * statement. It answers the rules it changed: `id`, `consecutive_failures`, `reached` (now at `pauseAfter`, not paused).
   */
  countRunsSql(runs: Array<{ ruleId: string; ok: boolean; failures: number }>, pauseAfter: number, first: number): SqlFragment {
    const $ = (n: number) => `$${first + n - 1}`;
    return {
      sql: `UPDATE workflow_rules w
               SET consecutive_failures = CASE WHEN r.ok THEN 0 ELSE w.consecutive_failures + r.failures END
              FROM unnest(${$(1)}::uuid[], ${$(2)}::boolean[], ${$(3)}::int[]) AS r(id, ok, failures)
             WHERE w.id = r.id AND (NOT r.ok OR w.consecutive_failures > 0)
             RETURNING w.id, w.consecutive_failures, (w.paused_at IS NULL AND ${$(4)}::int > 0 AND w.consecutive_failures >= ${$(4)}::int) AS reached`,
      params: [runs.map((r) => r.ruleId), runs.map((r) => r.ok), runs.map((r) => r.failures), pauseAfter],
    };
  }

  /** Pauses the rule (the circuit breaker), saying why. */
  async pause(uow: UnitOfWork, ruleId: string, reason: string): Promise<void> {
    await uow.manager.query(
      `UPDATE workflow_rules SET paused_at = clock_timestamp(), paused_reason = $2, updated_at = clock_timestamp() WHERE id = $1`, [ruleId, reason]);
  }

  /** Clears the pause and the failure counter. */
  async resume(uow: UnitOfWork, ruleId: string): Promise<void> {
    await uow.manager.query(
      `UPDATE workflow_rules SET paused_at = NULL, paused_reason = NULL, consecutive_failures = 0, updated_at = clock_timestamp() WHERE id = $1`,
      [ruleId]);
  }

  /** Whether the rule is paused as committed now (or in `db`'s transaction). */
  async isPaused(ruleId: string, db?: Db): Promise<boolean> {
    const rows: Array<{ paused: boolean }> = await this.manager(db).query(
      'SELECT paused_at IS NOT NULL AS paused FROM workflow_rules WHERE id = $1', [ruleId]);
    return rows[0]?.paused ?? false;
  }

  /** The schedule has been served up to `at` (catch-up after downtime starts from there). */
  async recordTick(uow: UnitOfWork, ruleId: string, at: Date): Promise<void> {
    await uow.manager.query(
      `UPDATE workflow_rules SET last_tick_at = GREATEST(COALESCE(last_tick_at, $2), $2) WHERE id = $1`, [ruleId, at.toISOString()]);
  }

  /**
   * The user a ROUND_ROBIN rule assigned last. `claim`: the rule's cursor row is created if missing and
   * locked for this transaction, so processes take turns fairly.
   */
  async roundRobinLast(uow: UnitOfWork, ruleId: string, claim: boolean): Promise<string | null> {
    if (claim) {
      await uow.manager.query(
        'INSERT INTO workflow_round_robin (rule_id, last_user_id) VALUES ($1, NULL) ON CONFLICT (rule_id) DO NOTHING', [ruleId]);
    }
    const rows: Array<{ last_user_id: string | null }> = await uow.manager.query(
      `SELECT last_user_id FROM workflow_round_robin WHERE rule_id = $1 ${claim ? 'FOR UPDATE' : ''}`, [ruleId]);
    return rows[0]?.last_user_id ?? null;
  }

  async setRoundRobinLast(uow: UnitOfWork, ruleId: string, userId: string): Promise<void> {
    await uow.manager.query('UPDATE workflow_round_robin SET last_user_id = $2 WHERE rule_id = $1', [ruleId, userId]);
  }

  private async load(
    manager: EntityManager, where: string, params: unknown[], page?: { limit: number; offset: number },
  ): Promise<{ rules: Rule[]; total: number }> {
    const paging = page ? ` LIMIT ${Number(page.limit)} OFFSET ${Number(page.offset)}` : '';
    const rows: Array<RuleRow & { total: string }> = await manager.query(
      `SELECT ${RULE_COLUMNS}, count(*) OVER () AS total FROM workflow_rules WHERE ${where}
        ORDER BY priority, created_at, id${paging}`, params);
    if (!rows.length) {
      if (!page || page.offset === 0) return { rules: [], total: 0 };
      const [{ n }] = await manager.query(`SELECT count(*) AS n FROM workflow_rules WHERE ${where}`, params);
      return { rules: [], total: Number(n) };
    }
    const actions: ActionRow[] = await manager.query(
      `SELECT id, rule_id, action_type, action_config, sequence FROM workflow_actions
        WHERE rule_id = ANY($1) ORDER BY sequence, created_at, id`, [rows.map((r) => r.id)]);
    const byRule = new Map<string, RuleAction[]>();
    for (const a of actions) byRule.set(a.rule_id, [...(byRule.get(a.rule_id) ?? []), toAction(a)]);
    return { rules: rows.map((r) => toRule(r, byRule.get(r.id) ?? [])), total: Number(rows[0].total) };
  }
}
