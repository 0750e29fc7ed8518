import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { CASE_STATUSES, CASE_TYPES } from '../../common/enums';
import { EVENT_NAMES, type CaseSnapshot } from '../../events/event-map';
import { TRIGGER_TYPES, type Rule } from '../rules/rule.types';
import { listenedEvents, matchRule, mayFire, type MatchableEvent } from './rule-matcher';

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
}).map((r): Rule => ({
  id: 'r', name: 'r', description: '', triggerType: r.triggerType, isEnabled: r.isEnabled, priority: 100, stopProcessing: false,
  cooldownSeconds: 0, scopeCodes: r.scopeCodes, caseTypes: r.caseTypes, actions: [], createdAt: '', updatedAt: '',
  triggerConfig: r.triggerType === 'EVENT' ? { event: r.event }
    : r.triggerType === 'STATUS_CHANGE' ? { toStatus: r.toStatus }
      : r.triggerType === 'CONDITION' ? { conditions: [{ field: 'status', op: 'eq', value: 'OPEN' }] }
        : { cron: '0 9 * * *', conditions: [] },
}));

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
