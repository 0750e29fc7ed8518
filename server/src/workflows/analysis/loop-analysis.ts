import type { RuleWarning } from '../../../../contracts/workflows';
import type { Condition } from '../conditions/condition-schema';
import type { Rule, RuleAction } from '../rules/rule.types';
import { contradiction, label, own, type LabelledCondition } from './condition-feasibility';
import { effectsOf, quote, requiredConditions } from './rule-effects';

const asFacts = (facts: Condition[]): LabelledCondition[] => facts.map((c) => ({ condition: c, label: `the action sets ${label(c)}` }));

/** Whether `action` (of some rule) can make `target` fire, judging by the event it emits and what it sets. */
function canTrigger(action: RuleAction, target: Rule): boolean {
  const { events, fields, facts } = effectsOf(action);
  if (!events.length) return false;
  const required = [...requiredConditions(target), ...asFacts(facts)];
  const feasible = (conditions: Condition[] | undefined): boolean => !contradiction([...required, ...own(conditions)]);
  switch (target.triggerType) {
    case 'TIME_BASED':
      return false;
    case 'STATUS_CHANGE': {
      if (action.actionType !== 'CHANGE_STATUS') return false;
      const to = action.actionConfig.status;
      const cfg = target.triggerConfig;
      if (cfg.toStatus?.length && !cfg.toStatus.includes(to)) return false;
      // A change to `to` starts from another status.
      if (cfg.fromStatus?.length && cfg.fromStatus.every((s) => s === to)) return false;
      return feasible(cfg.conditions);
    }
    case 'EVENT':
      return events.includes(target.triggerConfig.event) && feasible(target.triggerConfig.conditions);
    case 'CONDITION': {
      // CONDITION rules fire on the edge from not matching to matching: only a condition on a field the
      // action changes can flip. Conditions on other fields cannot be moved by this action.
      const cfg = target.triggerConfig;
      const flippable = cfg.conditions.filter((c) => fields.includes(c.field));
      if (!flippable.length) return false;
      if (cfg.match === 'ANY') return flippable.some((c) => feasible([c]));
      return feasible(cfg.conditions);
    }
  }
}

function overlap(a: string[] | null, b: readonly string[]): string[] | null {
  if (!b.length) return a;
  if (!a) return [...b];
  return a.filter((x) => b.includes(x));
}

/**
 * A chain through a cycle stops changing the case once every write on it is already done (tags are only
 * added; one fixed status or user is set once): then the second pass emits nothing. Only cycles with
 * competing writes (two statuses, two users, a rotating assignee) keep going.
 */
function keepsChanging(cycle: Rule[]): boolean {
  const statuses = new Set<string>();
  const assignees = new Set<string>();
  for (const a of cycle.flatMap((r) => r.actions)) {
    if (a.actionType === 'CHANGE_STATUS') statuses.add(a.actionConfig.status);
    if (a.actionType === 'ASSIGN_USER') assignees.add('userId' in a.actionConfig ? a.actionConfig.userId : `strategy:${a.actionConfig.strategy}`);
  }
  return statuses.size > 1 || assignees.size > 1 || [...assignees].some((x) => x.startsWith('strategy:'));
}

/**
 * The shortest chain from `start` back to itself through rules that could take part (enabled ones, and
 * `start` itself even when disabled: its warning says what enabling it would do). Scopes and case types
 * are narrowed along the chain: the case keeps its scope and type, so rules with disjoint scopes cannot chain.
 */
function shortestCycle(start: Rule, rules: Rule[], edges: Map<string, Rule[]>): Rule[] | undefined {
  interface State { rule: Rule; scopes: string[] | null; types: string[] | null; path: Rule[] }
  const initial: State = { rule: start, scopes: overlap(null, start.scopeCodes), types: overlap(null, start.caseTypes), path: [start] };
  const seen = new Set<string>();
  const queue: State[] = [initial];
  for (let i = 0; i < queue.length; i++) {
    const s = queue[i];
    for (const next of edges.get(s.rule.id) ?? []) {
      if (!next.isEnabled && next !== start) continue;
      const scopes = overlap(s.scopes, next.scopeCodes);
      const types = overlap(s.types, next.caseTypes);
      if (scopes?.length === 0 || types?.length === 0) continue;
      if (next === start) return s.path;
      const key = `${next.id}|${scopes?.join() ?? '*'}|${types?.join() ?? '*'}`;
      if (seen.has(key)) continue;
      seen.add(key);
      queue.push({ rule: next, scopes, types, path: [...s.path, next] });
    }
  }
  return undefined;
}

/** LOOP warnings by rule id: every rule on a cycle of the rule graph whose writes keep changing the case. */
export function loopWarnings(rules: Rule[], maxDepth: number): Array<[string, RuleWarning]> {
  const edges = new Map<string, Rule[]>();
  for (const a of rules) {
    if (a.triggerType === 'TIME_BASED') continue; // nothing triggers it, so it is on no cycle
    edges.set(a.id, rules.filter((b) => b.triggerType !== 'TIME_BASED' && a.actions.some((act) => canTrigger(act, b))));
  }
  const out: Array<[string, RuleWarning]> = [];
  for (const r of rules) {
    const cycle = shortestCycle(r, rules, edges);
    if (!cycle || !keepsChanging(cycle)) continue;
    const chain = [...cycle.map(quote), `back to ${quote(r)}`].join(' → ');
    const bound = `the engine stops the chain at depth ${maxDepth}, but every pass repeats the actions and adds history rows`;
    const message = r.isEnabled
      ? (cycle.length === 1 ? `Rule ${quote(r)} triggers itself (${chain}) in a loop: ${bound}.` : `Rules ${chain} trigger each other in a loop: ${bound}.`)
      : `If enabled, rule ${quote(r)} would start a loop (${chain}): ${bound}.`;
    out.push([r.id, { code: 'LOOP', message, ruleIds: cycle.map((c) => c.id) }]);
  }
  return out;
}
