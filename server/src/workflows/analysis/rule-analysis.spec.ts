import { describe, expect, it } from '@jest/globals';
import type { CaseStatus } from '../../common/enums';
import type { ActionSpec, Rule, RuleTrigger } from '../rules/rule.types';
import { analyseRuleSet, fanOutWarning } from './rule-analysis';

/** The analyser is a pure function over typed rules: these run in milliseconds, no database. */
let seq = 0;
function rule(name: string, trigger: RuleTrigger, actions: ActionSpec[], extra: Partial<Omit<Rule, 'triggerType' | 'triggerConfig'>> = {}): Rule {
  const id = `00000000-0000-4000-8000-${String(++seq).padStart(12, '0')}`;
  return {
    id, name, description: '', isEnabled: true, priority: 100, stopProcessing: false, cooldownSeconds: 0, scopeCodes: [], caseTypes: [],
    createdAt: '', updatedAt: '', ...trigger, ...extra,
    actions: actions.map((a, i) => ({ ...a, id: `${id.slice(0, -4)}a00${i}`, ruleId: id, sequence: i })) as Rule['actions'],
  } as Rule;
}
const onStatus = (...to: CaseStatus[]): RuleTrigger => ({ triggerType: 'STATUS_CHANGE', triggerConfig: { toStatus: to } });
const setStatus = (status: CaseStatus): ActionSpec => ({ actionType: 'CHANGE_STATUS', actionConfig: { status } });
const tag = (t: string): ActionSpec => ({ actionType: 'ADD_TAG', actionConfig: { tag: t } });
const codes = (rules: Rule[], r: Rule): string[] => (analyseRuleSet(rules).get(r.id) ?? []).map((w) => w.code);
const loops = (rules: Rule[]): string[] => rules.filter((r) => codes(rules, r).includes('LOOP')).map((r) => r.name);

describe('LOOP', () => {
  it('finds a three-rule cycle and names every rule of it on each one', () => {
    const a = rule('A', onStatus('OPEN'), [setStatus('UNDER_REVIEW')]);
    const b = rule('B', onStatus('UNDER_REVIEW'), [setStatus('CLOSED')]);
    const c = rule('C', onStatus('CLOSED'), [setStatus('OPEN')]);
    const rules = [a, b, c];
    expect(loops(rules)).toEqual(['A', 'B', 'C']);
    const w = analyseRuleSet(rules).get(a.id)!.find((x) => x.code === 'LOOP')!;
    expect(w.ruleIds).toEqual([a.id, b.id, c.id]);
    expect(w.message).toBe('Rules "A" → "B" → "C" → back to "A" trigger each other in a loop: the engine stops the chain at depth 3, but every pass repeats the actions and adds history rows.');
  });

  it('a chain that looks like one but never comes back is no loop', () => {
    const rules = [
      rule('A', onStatus('OPEN'), [setStatus('UNDER_REVIEW')]),
      rule('B', onStatus('UNDER_REVIEW'), [setStatus('CLOSED')]),
      rule('C', onStatus('CLOSED'), [tag('done')]),
    ];
    expect(loops(rules)).toEqual([]);
  });

  it('two rules ping-ponging a status loop; a rule that only converges (tags itself once) does not', () => {
    const ping = rule('ping', onStatus('OPEN'), [setStatus('IN_PROGRESS')]);
    const pong = rule('pong', onStatus('IN_PROGRESS'), [setStatus('OPEN')]);
    const tagger = rule('tagger', { triggerType: 'EVENT', triggerConfig: { event: 'case.updated' } }, [tag('touched')]);
    expect(loops([ping, pong, tagger])).toEqual(['ping', 'pong']);
  });

  it('rules with disjoint scopes cannot chain, nor can rules whose scopes never meet all along the cycle', () => {
    const a = rule('A', onStatus('OPEN'), [setStatus('IN_PROGRESS')], { scopeCodes: ['FIN'] });
    const b = rule('B', onStatus('IN_PROGRESS'), [setStatus('OPEN')], { scopeCodes: ['HR'] });
    expect(loops([a, b])).toEqual([]);
    const x = rule('X', onStatus('OPEN'), [setStatus('IN_PROGRESS')], { scopeCodes: ['FIN', 'HR'] });
    const y = rule('Y', onStatus('IN_PROGRESS'), [setStatus('UNDER_REVIEW')], { scopeCodes: ['FIN'] });
    const z = rule('Z', onStatus('UNDER_REVIEW'), [setStatus('OPEN')], { scopeCodes: ['HR'] });
    expect(loops([x, y, z])).toEqual([]);
  });

  it('a condition the action contradicts cuts the edge (B only fires for CRITICAL cases it cannot make)', () => {
    const a = rule('A', onStatus('OPEN'), [setStatus('IN_PROGRESS')]);
    const b = rule('B', { triggerType: 'STATUS_CHANGE', triggerConfig: { toStatus: ['IN_PROGRESS'], conditions: [{ field: 'status', op: 'eq', value: 'CLOSED' }] } }, [setStatus('OPEN')]);
    expect(loops([a, b])).toEqual([]);
  });

  it('CONDITION rules are reached only through the fields an action changes', () => {
    const a = rule('A', { triggerType: 'CONDITION', triggerConfig: { conditions: [{ field: 'severity', op: 'eq', value: 'CRITICAL' }] } }, [setStatus('IN_PROGRESS')]);
    const b = rule('B', onStatus('IN_PROGRESS'), [setStatus('OPEN')]);
    expect(loops([a, b])).toEqual([]);
    const c = rule('C', { triggerType: 'CONDITION', triggerConfig: { conditions: [{ field: 'status', op: 'eq', value: 'OPEN' }] } }, [setStatus('IN_PROGRESS')]);
    expect(loops([c, b])).toEqual(['C', 'B']);
  });

  it('a disabled rule is out of the graph, and its own warning says what enabling it would do', () => {
    const a = rule('A', onStatus('OPEN'), [setStatus('IN_PROGRESS')]);
    const b = rule('B', onStatus('IN_PROGRESS'), [setStatus('OPEN')], { isEnabled: false });
    const result = analyseRuleSet([a, b]);
    expect(result.get(a.id)).toEqual([]);
    expect(result.get(b.id)![0].message).toMatch(/^If enabled, rule "B" would start a loop \("B" → "A" → back to "B"\)/);
  });

  it('a rule the circuit breaker paused counts as disabled', () => {
    const a = rule('A', onStatus('OPEN'), [setStatus('IN_PROGRESS')]);
    const b = rule('B', onStatus('IN_PROGRESS'), [setStatus('OPEN')], { pausedAt: '2026-12-01T10:00:00.000Z', pausedReason: 'Paused after 5 consecutive failures' });
    const result = analyseRuleSet([a, b]);
    expect(result.get(a.id)).toEqual([]);
    expect(result.get(b.id)![0].message).toMatch(/^If resumed, rule "B" would start a loop/);
    // Nor does a paused stopProcessing rule shadow the rules after it.
    const all = rule('all', { triggerType: 'EVENT', triggerConfig: { event: 'case.status_changed' } }, [tag('x')],
      { stopProcessing: true, priority: 10, pausedAt: '2026-12-01T10:00:00.000Z' });
    const later = rule('later', onStatus('CLOSED'), [tag('y')], { priority: 20 });
    expect(analyseRuleSet([all, later]).get(later.id)).toEqual([]);
  });

  it('a rotating assignee on case.assigned loops on its own; timeline entries and notifications emit no event', () => {
    const rr = rule('rr', { triggerType: 'EVENT', triggerConfig: { event: 'case.assigned' } }, [{ actionType: 'ASSIGN_USER', actionConfig: { strategy: 'ROUND_ROBIN' } }]);
    expect(analyseRuleSet([rr]).get(rr.id)![0].message).toMatch(/^Rule "rr" triggers itself/);
    const quiet = rule('quiet', { triggerType: 'EVENT', triggerConfig: { event: 'case.updated' } }, [
      { actionType: 'CREATE_TIMELINE', actionConfig: { message: 'x' } },
      { actionType: 'SEND_NOTIFICATION', actionConfig: { recipients: ['ASSIGNEE'], title: 't', message: 'm' } },
    ]);
    expect(loops([quiet])).toEqual([]);
  });
});

describe('SHADOWED', () => {
  it('a stopProcessing rule without conditions, as broad and earlier, shadows a later rule on both sides', () => {
    const a = rule('catch-all', { triggerType: 'EVENT', triggerConfig: { event: 'case.status_changed' } }, [tag('x')], { stopProcessing: true, priority: 10 });
    const b = rule('closing', onStatus('CLOSED'), [tag('y')], { scopeCodes: ['FIN'] });
    const result = analyseRuleSet([a, b]);
    expect(result.get(b.id)!.map((w) => w.code)).toEqual(['SHADOWED']);
    expect(result.get(b.id)![0].message).toBe('Rule "closing" never runs: rule "catch-all" (priority 10) comes first, matches every event "closing" listens to without conditions, and stops processing.');
    expect(result.get(a.id)!.map((w) => w.ruleIds)).toEqual([[a.id, b.id]]);
  });

  it('conditions, a narrower trigger or narrower scopes on the earlier rule mean no shadow', () => {
    const withCondition = rule('a1', { triggerType: 'STATUS_CHANGE', triggerConfig: { conditions: [{ field: 'severity', op: 'eq', value: 'HIGH' }] } }, [], { stopProcessing: true });
    const narrower = rule('a2', onStatus('OPEN'), [], { stopProcessing: true });
    const scoped = rule('a3', onStatus('CLOSED'), [], { stopProcessing: true, scopeCodes: ['HR'] });
    const notStopping = rule('a4', onStatus('CLOSED'), []);
    const b = rule('b', onStatus('CLOSED'), []);
    expect(codes([withCondition, narrower, scoped, notStopping, b], b)).toEqual([]);
  });
});

describe('NEVER_MATCHES', () => {
  const cond = (...conditions: Array<Record<string, unknown>>): RuleTrigger => ({ triggerType: 'CONDITION', triggerConfig: { conditions } } as RuleTrigger);
  it.each([
    ['eq OPEN and eq CLOSED', cond({ field: 'status', op: 'eq', value: 'OPEN' }, { field: 'status', op: 'eq', value: 'CLOSED' })],
    ['in lists without a common value', cond({ field: 'severity', op: 'in', value: ['LOW'] }, { field: 'severity', op: 'in', value: ['HIGH', 'CRITICAL'] })],
    ['gt 5 and lt 3 evidence', cond({ field: 'evidenceCount', op: 'gt', value: 5 }, { field: 'evidenceCount', op: 'lt', value: 3 })],
    ['gt 2 and lt 3 evidence (integers)', cond({ field: 'evidenceCount', op: 'gt', value: 2 }, { field: 'evidenceCount', op: 'lt', value: 3 })],
    ['severity above CRITICAL', cond({ field: 'severity', op: 'gt', value: 'CRITICAL' })],
    ['older than 48 h and within 24 h', cond({ field: 'updatedAt', op: 'olderThanHours', value: 48 }, { field: 'updatedAt', op: 'withinHours', value: 24 })],
    ['tag required and forbidden', cond({ field: 'tags', op: 'contains', value: 'x' }, { field: 'tags', op: 'notIn', value: ['x', 'y'] })],
    ['from CLOSED to CLOSED', { triggerType: 'STATUS_CHANGE', triggerConfig: { fromStatus: ['CLOSED'], toStatus: ['CLOSED'] } } as RuleTrigger],
    ['status condition against the toStatus', { triggerType: 'STATUS_CHANGE', triggerConfig: { toStatus: ['CLOSED'], conditions: [{ field: 'status', op: 'eq', value: 'OPEN' }] } } as RuleTrigger],
  ])('%s', (_, trigger) => {
    const r = rule('r', trigger, []);
    expect(codes([r], r)).toEqual(['NEVER_MATCHES']);
  });

  it('names the field and the conditions involved in one sentence', () => {
    const r = rule('Impossible', cond({ field: 'status', op: 'eq', value: 'OPEN' }, { field: 'status', op: 'eq', value: 'CLOSED' }), []);
    expect(analyseRuleSet([r]).get(r.id)![0].message).toBe('Rule "Impossible" can never match: its conditions on status cannot all hold (status eq OPEN, status eq CLOSED).');
  });

  it.each([
    ['different fields', cond({ field: 'status', op: 'eq', value: 'OPEN' }, { field: 'severity', op: 'eq', value: 'HIGH' })],
    ['a range with room', cond({ field: 'evidenceCount', op: 'gt', value: 2 }, { field: 'evidenceCount', op: 'lt', value: 4 })],
    ['match ANY with one possible branch', { triggerType: 'CONDITION', triggerConfig: { match: 'ANY', conditions: [
      { field: 'status', op: 'eq', value: 'OPEN' }, { field: 'severity', op: 'gt', value: 'CRITICAL' }] } } as RuleTrigger],
    ['from OPEN to CLOSED', { triggerType: 'STATUS_CHANGE', triggerConfig: { fromStatus: ['OPEN'], toStatus: ['CLOSED'] } } as RuleTrigger],
  ])('possible: %s', (_, trigger) => {
    const r = rule('r', trigger, []);
    expect(codes([r], r)).toEqual([]);
  });
});

describe('FAN_OUT', () => {
  const ids = (n: number, p: string) => new Set(Array.from({ length: n }, (_, i) => `${p}${i}`));
  const notify = (recipients: string[]): ActionSpec => ({ actionType: 'SEND_NOTIFICATION', actionConfig: { recipients, title: 't', message: 'm' } });
  it('ADMINS with more than 50 active admins, or more than 50 named active users', () => {
    const admins = rule('admins', onStatus('CLOSED'), [notify(['ADMINS'])]);
    expect(fanOutWarning(admins, { activeAdminIds: ids(51, 'a'), activeUserIds: new Set() })?.message).toBe('Rule "admins" notifies up to 51 people for a single event (more than 50).');
    expect(fanOutWarning(admins, { activeAdminIds: ids(50, 'a'), activeUserIds: new Set() })).toBeUndefined();
    const named = [...ids(51, 'u')];
    const listed = rule('listed', onStatus('CLOSED'), [notify(named)]);
    expect(fanOutWarning(listed, { activeAdminIds: new Set(), activeUserIds: ids(51, 'u') })?.code).toBe('FAN_OUT');
    // Deactivated people are not notified, so they do not count.
    expect(fanOutWarning(listed, { activeAdminIds: new Set(), activeUserIds: ids(40, 'u') })).toBeUndefined();
  });
});
