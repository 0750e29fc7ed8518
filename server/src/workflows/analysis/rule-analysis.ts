import type { RuleWarning } from '../../../../contracts/workflows';
import type { Condition } from '../conditions/condition-schema';
import type { EventName } from '../../events/event-map';
import { MAX_DEPTH, type Rule } from '../rules/rule.types';
import { contradiction, own } from './condition-feasibility';
import { quote, requiredConditions } from './rule-effects';
import { loopWarnings } from './loop-analysis';

export type { RuleWarning };

/** One event notifying more than this many people is worth a second look (CONTRACT §12). */
export const FAN_OUT_LIMIT = 50;

/** Who is active when the analysis runs: fan-out counts people who would really be notified. */
export interface PeopleFacts { activeAdminIds: ReadonlySet<string>; activeUserIds: ReadonlySet<string> }

function neverMatches(rule: Rule): RuleWarning | undefined {
  const say = (why: string): RuleWarning => ({ code: 'NEVER_MATCHES', message: `Rule ${quote(rule)} can never match: ${why}.`, ruleIds: [rule.id] });
  if (rule.triggerType === 'STATUS_CHANGE') {
    const { fromStatus: from = [], toStatus: to = [] } = rule.triggerConfig;
    if (from.length && to.length && from.every((f) => to.length === 1 && to[0] === f)) {
      return say(`a status change never goes from ${from[0]} to ${to[0]}`);
    }
  }
  const implied = requiredConditions(rule);
  const conditions = rule.triggerConfig.conditions ?? [];
  if (rule.triggerType === 'CONDITION' && rule.triggerConfig.match === 'ANY') {
    const each = conditions.map((c) => contradiction([...implied, ...own([c])]));
    if (each.length && each.every((found) => found)) return say(`none of its conditions (match ANY) can hold for a case it covers (${each.map((f) => f!.involved.join(' and ')).join('; ')})`);
    return undefined;
  }
  const found = contradiction([...implied, ...own(conditions)]);
  return found ? say(`its conditions on ${found.field} cannot all hold (${found.involved.join(', ')})`) : undefined;
}

function conditionsOf(rule: Rule): Condition[] {
  return rule.triggerType === 'TIME_BASED' || rule.triggerType === 'CONDITION' ? rule.triggerConfig.conditions : rule.triggerConfig.conditions ?? [];
}

/** Whether `a`, firing on every event it listens to without conditions, always matches before `b` could. */
function covers(a: Rule, b: Rule): boolean {
  if (conditionsOf(a).length) return false;
  const superset = (wide: readonly string[] | undefined, narrow: readonly string[] | undefined): boolean =>
    !wide?.length || (!!narrow?.length && narrow.every((x) => wide.includes(x)));
  if (!superset(a.scopeCodes, b.scopeCodes) || !superset(a.caseTypes, b.caseTypes)) return false;
  const listens = (r: Rule): { event?: EventName; from?: string[]; to?: string[] } | undefined => {
    if (r.triggerType === 'EVENT') return { event: r.triggerConfig.event };
    if (r.triggerType === 'STATUS_CHANGE') return { event: 'case.status_changed', from: r.triggerConfig.fromStatus, to: r.triggerConfig.toStatus };
    return undefined; // CONDITION rules also run on case.created and evidence.uploaded; TIME_BASED on ticks.
  };
  const la = listens(a);
  const lb = listens(b);
  return !!la && !!lb && la.event === lb.event && superset(la.from, lb.from) && superset(la.to, lb.to);
}

/** Rules in evaluation order; a warning goes to the shadowed rule and to the rule that shadows it. */
function shadowWarnings(rules: Rule[], add: (id: string, w: RuleWarning) => void): void {
  for (const [i, b] of rules.entries()) {
    const a = rules.slice(0, i).find((r) => r.isEnabled && r.stopProcessing && covers(r, b));
    if (!a) continue;
    const w: RuleWarning = {
      code: 'SHADOWED', ruleIds: [b.id, a.id],
      message: `Rule ${quote(b)} never runs: rule ${quote(a)} (priority ${a.priority}) comes first, matches every event ${quote(b)} listens to without conditions, and stops processing.`,
    };
    add(b.id, w);
    add(a.id, { ...w, ruleIds: [a.id, b.id] });
  }
}

/** Upper bound of the people one run notifies: admins, named active users, the assignee and the owner. */
export function recipientsBound(rule: Rule, people: PeopleFacts): number {
  const ids = new Set<string>();
  let roles = 0;
  for (const a of rule.actions) {
    if (a.actionType !== 'SEND_NOTIFICATION') continue;
    for (const r of a.actionConfig.recipients) {
      if (r === 'ADMINS') people.activeAdminIds.forEach((id) => ids.add(id));
      else if (r === 'ASSIGNEE' || r === 'OWNER') roles |= r === 'ASSIGNEE' ? 1 : 2;
      else if (people.activeUserIds.has(r)) ids.add(r);
    }
  }
  return ids.size + (roles & 1) + ((roles >> 1) & 1);
}

/** FAN_OUT needs the people as they are now, so it is computed on each answer, not cached with the rules. */
export function fanOutWarning(rule: Rule, people: PeopleFacts): RuleWarning | undefined {
  const n = recipientsBound(rule, people);
  if (n <= FAN_OUT_LIMIT) return undefined;
  return {
    code: 'FAN_OUT', ruleIds: [rule.id],
    message: `Rule ${quote(rule)} notifies up to ${n} people for a single event (more than ${FAN_OUT_LIMIT}).`,
  };
}

/**
 * LOOP, SHADOWED and NEVER_MATCHES for every rule of the set (in evaluation order): they depend on the
 * rules only, so the result is cached with the rule set. Disabled rules get the warnings enabling them would bring.
 */
export function analyseRuleSet(ruleSet: Rule[]): Map<string, RuleWarning[]> {
  // A paused rule runs no more than a disabled one does: the analysis treats it as disabled.
  const rules = ruleSet.map((r) => (r.pausedAt && r.isEnabled ? { ...r, isEnabled: false } : r));
  const out = new Map<string, RuleWarning[]>(rules.map((r) => [r.id, []]));
  const add = (id: string, w: RuleWarning): void => void out.get(id)?.push(w);
  for (const r of rules) {
    const w = neverMatches(r);
    if (w) add(r.id, w);
  }
  shadowWarnings(rules, add);
  for (const [id, w] of loopWarnings(rules, MAX_DEPTH)) add(id, w);
  for (const r of ruleSet) {
    if (!r.pausedAt || !r.isEnabled) continue;
    out.set(r.id, out.get(r.id)!.map((w) => ({ ...w, message: w.message.replace(/^If enabled, /, 'If resumed, ') })));
  }
  return out;
}
