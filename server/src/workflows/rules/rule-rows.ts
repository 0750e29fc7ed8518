import type { EntityManager } from 'typeorm';
import type { CaseType } from '../../common/enums';
import type { ActionType, Rule, RuleAction, TriggerType } from './rule.types';

interface RuleRow {
  id: string; name: string; description: string; trigger_type: TriggerType; trigger_config: Record<string, unknown>;
  is_enabled: boolean; priority: number; stop_processing: boolean; cooldown_seconds: number; scope_codes: string[];
  case_types: CaseType[] | string; created_at: Date; updated_at: Date;
}
interface ActionRow { id: string; rule_id: string; action_type: ActionType; action_config: Record<string, unknown>; sequence: number }

/** pg returns arrays of an enum type as their text form "{A,B}". */
function enumArray<T extends string>(value: T[] | string): T[] {
  if (Array.isArray(value)) return value;
  const inner = value.replace(/^\{|\}$/g, '');
  return (inner ? inner.split(',') : []) as T[];
}

export function toAction(a: ActionRow): RuleAction {
  return { id: a.id, ruleId: a.rule_id, actionType: a.action_type, actionConfig: a.action_config, sequence: a.sequence };
}

function toRule(r: RuleRow, actions: RuleAction[]): Rule {
  return {
    id: r.id, name: r.name, description: r.description, triggerType: r.trigger_type, triggerConfig: r.trigger_config,
    isEnabled: r.is_enabled, priority: r.priority, stopProcessing: r.stop_processing, cooldownSeconds: r.cooldown_seconds,
    scopeCodes: r.scope_codes, caseTypes: enumArray(r.case_types), actions,
    createdAt: new Date(r.created_at).toISOString(), updatedAt: new Date(r.updated_at).toISOString(),
  };
}

const RULE_COLUMNS = `id, name, description, trigger_type, trigger_config, is_enabled, priority, stop_processing,
  cooldown_seconds, scope_codes, case_types::text[] AS case_types, created_at, updated_at`;

/** Loads rules with their actions (in sequence order), ordered by priority then age. */
export async function loadRules(
  manager: EntityManager, where = 'true', params: unknown[] = [], page?: { limit: number; offset: number },
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

export async function loadRule(manager: EntityManager, id: string, lock = false): Promise<Rule | undefined> {
  if (lock) await manager.query('SELECT 1 FROM workflow_rules WHERE id = $1 FOR UPDATE', [id]);
  return (await loadRules(manager, 'id = $1', [id])).rules[0];
}

export async function loadAction(manager: EntityManager, ruleId: string, actionId: string): Promise<RuleAction | undefined> {
  const rows: ActionRow[] = await manager.query(
    `SELECT id, rule_id, action_type, action_config, sequence FROM workflow_actions WHERE id = $1 AND rule_id = $2`, [actionId, ruleId]);
  return rows[0] ? toAction(rows[0]) : undefined;
}
