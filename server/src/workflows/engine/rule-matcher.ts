import type { CaseSnapshot, DomainEvent, EventName } from '../../events/event-map';
import { conditionsMatch, explainConditions } from '../conditions/condition-evaluator';
import type { Condition } from '../conditions/condition-schema';
import type { Rule } from '../rules/rule.types';

/** What a rule needs to know about an event to decide whether it fires. */
export interface MatchableEvent {
  name: EventName;
  case: CaseSnapshot;
  fromStatus?: string;
  toStatus?: string;
  /** The case just before the change, where the event knows it (CONDITION edges). */
  before?: CaseSnapshot | null;
  at: Date;
}

export interface MatchResult {
  matched: boolean;
  /** Why not, when not matched. */
  outcome?: 'NOT_MATCHED' | 'DISABLED' | 'OUT_OF_SCOPE';
  reasons: string[];
}

/** Events after which CONDITION rules look at the case again. */
const CHANGE_EVENTS: EventName[] = ['case.created', 'case.updated', 'evidence.uploaded'];

export function toMatchable(event: Pick<DomainEvent, 'name' | 'payload' | 'occurredAt'>): MatchableEvent {
  const p = event.payload;
  let before: CaseSnapshot | null | undefined;
  if (event.name === 'case.created') before = null;
  else if (event.name === 'case.updated' && 'previous' in p) before = { ...p.case, ...p.previous };
  else if (event.name === 'evidence.uploaded') before = { ...p.case, evidenceCount: Math.max(0, p.case.evidenceCount - 1) };
  const statuses = 'fromStatus' in p ? { fromStatus: p.fromStatus, toStatus: p.toStatus } : {};
  return { name: event.name, case: p.case, at: new Date(event.occurredAt), before, ...statuses };
}

function listCheck(label: string, actual: string | undefined, allowed: string[] | undefined): { ok: boolean; reason?: string } {
  if (!allowed?.length) return { ok: true };
  const ok = actual !== undefined && allowed.includes(actual);
  return { ok, reason: `${label} ${actual ?? '(none)'} ${ok ? 'is' : 'is not'} in [${allowed.join(', ')}]` };
}

/** The events a rule can fire on at all (none for TIME_BASED or disabled rules). */
export function listenedEvents(rule: Rule): readonly EventName[] {
  if (!rule.isEnabled || rule.pausedAt) return [];
  switch (rule.triggerType) {
    case 'STATUS_CHANGE': return ['case.status_changed'];
    case 'EVENT': return [rule.triggerConfig.event];
    case 'CONDITION': return CHANGE_EVENTS;
    case 'TIME_BASED': return [];
  }
}

/**
 * A cheap, reason-free pre-check with the same answer as matchRule for every rule it rejects: the rule
 * is enabled, listens to this kind of event and covers the case's scope and type. The engine asks it of
 * every rule for every event (200 rules × every case.updated), so matchRule, which explains itself in
 * strings, only runs for the few rules left.
 */
export function mayFire(rule: Rule, event: MatchableEvent): boolean {
  if (!rule.isEnabled || rule.pausedAt) return false;
  switch (rule.triggerType) {
    case 'TIME_BASED': return false;
    case 'STATUS_CHANGE': if (event.name !== 'case.status_changed') return false; break;
    case 'EVENT': if (rule.triggerConfig.event !== event.name) return false; break;
    case 'CONDITION': if (!CHANGE_EVENTS.includes(event.name)) return false; break;
  }
  return (!rule.scopeCodes.length || rule.scopeCodes.includes(event.case.scopeCode))
    && (!rule.caseTypes.length || rule.caseTypes.includes(event.case.caseType));
}

/**
 * Decides whether `rule` fires for `event`, with a reason for every check
 * (shown by dry runs and "why did it not fire" traces).
 */
export function matchRule(rule: Rule, event: MatchableEvent): MatchResult {
  const reasons: string[] = [];
  if (!rule.isEnabled) return { matched: false, outcome: 'DISABLED', reasons: ['the rule is disabled'] };
  if (rule.pausedAt) return { matched: false, outcome: 'DISABLED', reasons: [`the rule is paused (${rule.pausedReason ?? 'by the circuit breaker'})`] };
  const c = event.case;
  if (rule.scopeCodes.length && !rule.scopeCodes.includes(c.scopeCode)) {
    return { matched: false, outcome: 'OUT_OF_SCOPE', reasons: [`case scope ${c.scopeCode} is not in the rule's scopes [${rule.scopeCodes.join(', ')}]`] };
  }
  if (rule.caseTypes.length && !rule.caseTypes.includes(c.caseType)) {
    return { matched: false, outcome: 'OUT_OF_SCOPE', reasons: [`case type ${c.caseType} is not in the rule's case types [${rule.caseTypes.join(', ')}]`] };
  }
  const notMatched = (why: string[]): MatchResult => ({ matched: false, outcome: 'NOT_MATCHED', reasons: [...reasons, ...why] });
  let conditions: Condition[] | undefined;
  let match: 'ALL' | 'ANY' = 'ALL';

  switch (rule.triggerType) {
    case 'TIME_BASED':
      return notMatched(['TIME_BASED rules run on their schedule, not on events']);
    case 'STATUS_CHANGE': {
      const cfg = rule.triggerConfig;
      if (event.name !== 'case.status_changed') return notMatched([`STATUS_CHANGE listens to case.status_changed, not ${event.name}`]);
      for (const check of [listCheck('fromStatus', event.fromStatus, cfg.fromStatus), listCheck('toStatus', event.toStatus, cfg.toStatus)]) {
        if (check.reason) reasons.push(`${check.reason}: ${check.ok}`);
        if (!check.ok) return notMatched([]);
      }
      conditions = cfg.conditions;
      break;
    }
    case 'EVENT': {
      const cfg = rule.triggerConfig;
      if (event.name !== cfg.event) return notMatched([`listens to ${cfg.event}, not ${event.name}`]);
      reasons.push(`event is ${cfg.event}: true`);
      conditions = cfg.conditions;
      break;
    }
    case 'CONDITION': {
      const cfg = rule.triggerConfig;
      if (!CHANGE_EVENTS.includes(event.name)) return notMatched([`CONDITION rules are evaluated after case.created, case.updated and evidence.uploaded, not ${event.name}`]);
      match = cfg.match ?? 'ALL';
      const now = conditionsMatch(c, cfg.conditions, match, event.at);
      const explained = explainConditions(c, cfg.conditions, event.at).map((r) => r.explanation);
      if (!now) return notMatched([...explained, `conditions (${match}) do not match after the change`]);
      const before = event.before ? conditionsMatch(event.before, cfg.conditions, match, event.at) : false;
      if (before) return notMatched([...explained, 'the case already matched before this change (fires only on the edge from not matching to matching)']);
      return { matched: true, reasons: [...explained, `conditions (${match}) went from not matching to matching`] };
    }
  }
  if (conditions?.length) {
    const explained = explainConditions(c, conditions, event.at);
    reasons.push(...explained.map((r) => r.explanation));
    if (!explained.every((r) => r.passed)) return notMatched([]);
  }
  return { matched: true, reasons };
}

const inList = (actual: string | undefined, allowed: string[] | undefined): boolean =>
  !allowed?.length || (actual !== undefined && allowed.includes(actual));

/**
 * matchRule's answer without its reasons, for callers that ask it of a million events (backtests): the same
 * checks in the same order, no strings built. A property test holds it equal to `matchRule(...).matched`.
 */
export function firesOn(rule: Rule, event: MatchableEvent): boolean {
  if (!mayFire(rule, event)) return false;
  switch (rule.triggerType) {
    case 'STATUS_CHANGE': {
      const cfg = rule.triggerConfig;
      return inList(event.fromStatus, cfg.fromStatus) && inList(event.toStatus, cfg.toStatus) && conditionsMatch(event.case, cfg.conditions, 'ALL', event.at);
    }
    case 'EVENT':
      return conditionsMatch(event.case, rule.triggerConfig.conditions, 'ALL', event.at);
    case 'CONDITION': {
      const { conditions, match = 'ALL' } = rule.triggerConfig;
      if (!conditionsMatch(event.case, conditions, match, event.at)) return false;
      return !(event.before && conditionsMatch(event.before, conditions, match, event.at));
    }
    default:
      return false;
  }
}
