import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { CASE_STATUSES, CASE_TYPES } from '../../common/enums';
import { EVENT_NAMES, type CaseSnapshot } from '../../events/event-map';
import { TRIGGER_TYPES, type Rule } from '../rules/rule.types';
import { firesOn, listenedEvents, matchRule, mayFire, toMatchable, type MatchableEvent } from './rule-matcher';

const SCOPES = ['FIN', 'HR', 'IT'];

const caseArb = fc.record({
  status: fc.constantFrom(...CASE_STATUSES), caseType: fc.constantFrom(...CASE_TYPES), scopeCode: fc.constantFrom(...SCOPES),
}).map((c): CaseSnapshot => ({
  id: '00000000-0000-4000-8000-000000000001', caseNumber: `${c.scopeCode}-2026-0001`, title: 't', description: '', severity: 'HIGH',
  assigneeId: null, ownerId: null, tags: [], dueDate: null, evidenceCount: 0, createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z', closedAt: null, ...c,
}));

const eventArb = fc.record({
  name: fc.constantFrom(...EVENT_NAMES), case: caseArb,
  fromStatus: fc.option(fc.constantFrom(...CASE_STATUSES), { nil: undefined }), toStatus: fc.option(fc.constantFrom(...CASE_STATUSES), { nil: undefined }),
}).map((e): MatchableEvent => ({ ...e, before: null, at: new Date('2026-06-01T00:00:00Z') }));

const ruleArb = fc.record({
  triggerType: fc.constantFrom(...TRIGGER_TYPES), isEnabled: fc.boolean(), event: fc.constantFrom(...EVENT_NAMES),
  toStatus: fc.subarray([...CASE_STATUSES]), scopeCodes: fc.subarray(SCOPES), caseTypes: fc.subarray([...CASE_TYPES]),
}).map((r): Rule => {
  const common = {
    id: 'r', name: 'r', description: '', isEnabled: r.isEnabled, priority: 100, stopProcessing: false,
    cooldownSeconds: 0, scopeCodes: r.scopeCodes, caseTypes: r.caseTypes, actions: [], createdAt: '', updatedAt: '',
  };
  switch (r.triggerType) {
    case 'EVENT': return { ...common, triggerType: 'EVENT', triggerConfig: { event: r.event } };
    case 'STATUS_CHANGE': return { ...common, triggerType: 'STATUS_CHANGE', triggerConfig: { toStatus: r.toStatus } };
    case 'CONDITION': return { ...common, triggerType: 'CONDITION', triggerConfig: { conditions: [{ field: 'status', op: 'eq', value: 'OPEN' }] } };
    case 'TIME_BASED': return { ...common, triggerType: 'TIME_BASED', triggerConfig: { cron: '0 9 * * *', conditions: [] } };
  }
});

describe('mayFire (the engine pre-check)', () => {
  it('never rejects a rule that matchRule would fire', () => {
    fc.assert(fc.property(ruleArb, eventArb, (rule, event) => {
      if (matchRule(rule, event).matched) expect(mayFire(rule, event)).toBe(true);
    }), { numRuns: 5000 });
  });

  it('agrees with listenedEvents: a rule may only fire on an event it listens to', () => {
    fc.assert(fc.property(ruleArb, eventArb, (rule, event) => {
      if (mayFire(rule, event)) expect(listenedEvents(rule)).toContain(event.name);
    }), { numRuns: 5000 });
  });

  it('rejects disabled, time-based, other-event and out-of-scope rules', () => {
    fc.assert(fc.property(ruleArb, eventArb, (rule, event) => {
      const listens = rule.triggerType === 'STATUS_CHANGE' ? event.name === 'case.status_changed'
        : rule.triggerType === 'EVENT' ? rule.triggerConfig.event === event.name
          : rule.triggerType === 'CONDITION' ? ['case.created', 'case.updated', 'evidence.uploaded'].includes(event.name) : false;
      const covers = (!rule.scopeCodes.length || rule.scopeCodes.includes(event.case.scopeCode))
        && (!rule.caseTypes.length || rule.caseTypes.includes(event.case.caseType));
      expect(mayFire(rule, event)).toBe(rule.isEnabled && listens && covers);
    }), { numRuns: 5000 });
  });
});

describe('firesOn (the backtest\'s reason-free matcher)', () => {
  // Rules with conditions and status lists on both sides, and events whose case was different just before.
  const conditionArb = fc.oneof(
    fc.record({ field: fc.constant('status' as const), op: fc.constantFrom('eq' as const, 'neq' as const), value: fc.constantFrom(...CASE_STATUSES) }),
    fc.record({ field: fc.constant('caseType' as const), op: fc.constant('in' as const), value: fc.subarray([...CASE_TYPES], { minLength: 1 }) }),
    fc.record({ field: fc.constant('scopeCode' as const), op: fc.constantFrom('eq' as const, 'neq' as const), value: fc.constantFrom(...SCOPES) }),
  );
  const richRuleArb = fc.tuple(ruleArb, fc.array(conditionArb, { maxLength: 3 }), fc.subarray([...CASE_STATUSES]), fc.constantFrom('ALL' as const, 'ANY' as const))
    .map(([rule, conditions, fromStatus, match]): Rule => {
      switch (rule.triggerType) {
        case 'STATUS_CHANGE': return { ...rule, triggerConfig: { ...rule.triggerConfig, fromStatus, conditions } };
        case 'EVENT': return { ...rule, triggerConfig: { ...rule.triggerConfig, conditions } };
        case 'CONDITION': return conditions.length ? { ...rule, triggerConfig: { conditions, match } } : rule;
        default: return rule;
      }
    });
  const richEventArb = fc.tuple(eventArb, fc.option(caseArb, { nil: null })).map(([e, before]): MatchableEvent => ({ ...e, before }));

  it('gives matchRule\'s answer for every rule and event', () => {
    fc.assert(fc.property(richRuleArb, richEventArb, (rule, event) => {
      expect(firesOn(rule, event)).toBe(matchRule(rule, event).matched);
    }), { numRuns: 20000 });
  });
});

describe('matchRule and toMatchable with typed configs and payloads', () => {
  const c: CaseSnapshot = {
    id: '00000000-0000-4000-8000-000000000001', caseNumber: 'FIN-2026-0001', title: 't', description: '', status: 'CLOSED', caseType: 'AUDIT',
    scopeCode: 'FIN', severity: 'CRITICAL', assigneeId: null, ownerId: null, tags: ['fraud'], dueDate: null, evidenceCount: 1,
    createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z', closedAt: null,
  };
  const common = {
    id: 'r', name: 'r', description: '', isEnabled: true, priority: 100, stopProcessing: false, cooldownSeconds: 0, scopeCodes: [],
    caseTypes: [], actions: [], createdAt: '', updatedAt: '',
  };
  const at = '2026-06-01T00:00:00.000Z';

  it('STATUS_CHANGE reads the statuses from the event payload and explains each check', () => {
    const rule: Rule = { ...common, triggerType: 'STATUS_CHANGE', triggerConfig: { fromStatus: ['IN_PROGRESS'], toStatus: ['CLOSED'] } };
    const fromReview = toMatchable({ name: 'case.status_changed', payload: { case: c, fromStatus: 'UNDER_REVIEW', toStatus: 'CLOSED' }, occurredAt: at });
    expect(matchRule(rule, fromReview)).toEqual({ matched: false, outcome: 'NOT_MATCHED', reasons: ['fromStatus UNDER_REVIEW is not in [IN_PROGRESS]: false'] });
    const fromWork = toMatchable({ name: 'case.status_changed', payload: { case: c, fromStatus: 'IN_PROGRESS', toStatus: 'CLOSED' }, occurredAt: at });
    expect(matchRule(rule, fromWork).matched).toBe(true);
  });

  it('CONDITION fires on the edge: the case before a case.updated is the case with the previous values', () => {
    const rule: Rule = { ...common, triggerType: 'CONDITION', triggerConfig: { match: 'ALL', conditions: [{ field: 'severity', op: 'eq', value: 'CRITICAL' }] } };
    const raised = toMatchable({ name: 'case.updated', payload: { case: c, previous: { severity: 'HIGH' }, changedFields: ['severity'] }, occurredAt: at });
    expect(raised.before?.severity).toBe('HIGH');
    expect(matchRule(rule, raised).matched).toBe(true);
    const retitled = toMatchable({ name: 'case.updated', payload: { case: c, previous: { title: 'old' }, changedFields: ['title'] }, occurredAt: at });
    expect(matchRule(rule, retitled)).toMatchObject({ matched: false, outcome: 'NOT_MATCHED' });
  });

  it('EVENT: evidence.uploaded sees one piece of evidence fewer before the upload', () => {
    const rule: Rule = { ...common, triggerType: 'EVENT', triggerConfig: { event: 'evidence.uploaded', conditions: [{ field: 'evidenceCount', op: 'gt', value: 0 }] } };
    const uploaded = toMatchable({
      name: 'evidence.uploaded', payload: { case: c, evidence: { id: 'e', filename: 'a.txt', mimeType: 'text/plain', sizeBytes: 1 } }, occurredAt: at,
    });
    expect(uploaded.before?.evidenceCount).toBe(0);
    expect(matchRule(rule, uploaded).matched).toBe(true);
    expect(listenedEvents(rule)).toEqual(['evidence.uploaded']);
  });
});
