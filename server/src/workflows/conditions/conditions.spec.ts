import { describe, expect, it } from '@jest/globals';
import type { CaseSnapshot } from '../../events/event-map';
import { conditionsMatch, evaluateCondition, explainConditions } from './condition-evaluator';
import type { Condition } from './condition-schema';
import { compileConditions } from './condition-sql';

const NOW = new Date('2026-06-01T12:00:00.000Z');
const kase: CaseSnapshot = {
  id: '00000000-0000-4000-8000-000000000001', caseNumber: 'FIN-2026-0001', title: 'Ledger Gaps', description: '', status: 'OPEN',
  caseType: 'AUDIT', scopeCode: 'FIN', severity: 'HIGH', assigneeId: null, ownerId: null, tags: ['fraud', 'q2'],
  dueDate: '2026-05-31T00:00:00.000Z', evidenceCount: 2, createdAt: '2026-05-01T00:00:00.000Z', updatedAt: '2026-06-01T10:00:00.000Z', closedAt: null,
};
const one = (c: Condition) => compileConditions([c], 'ALL', 'c', 1, NOW);

describe('compileConditions (conditions → SQL over cases)', () => {
  it.each<[Condition, string, unknown[]]>([
    [{ field: 'status', op: 'eq', value: 'OPEN' }, '(COALESCE(c.status = $1::case_status, false))', ['OPEN']],
    [{ field: 'severity', op: 'neq', value: 'LOW' }, '(c.severity IS DISTINCT FROM $1::case_severity)', ['LOW']],
    [{ field: 'scopeCode', op: 'in', value: ['FIN', 'HR'] }, '(COALESCE(c.scope_code = ANY($1::text[]), false))', [['FIN', 'HR']]],
    [{ field: 'tags', op: 'in', value: ['a'] }, '(c.tags && $1::text[])', [['a']]],
    [{ field: 'caseType', op: 'notIn', value: ['AUDIT'] }, '(NOT COALESCE(c.case_type = ANY($1::case_type[]), false))', [['AUDIT']]],
    [{ field: 'tags', op: 'notIn', value: ['a'] }, '(NOT (c.tags && $1::text[]))', [['a']]],
    [{ field: 'tags', op: 'contains', value: 'fraud' }, '($1::text = ANY(c.tags))', ['fraud']],
    [{ field: 'title', op: 'contains', value: 'gap' }, '(strpos(lower(c.title), lower($1::text)) > 0)', ['gap']],
    [{ field: 'evidenceCount', op: 'gt', value: 1 }, '(COALESCE(c.evidence_count > $1::int, false))', [1]],
    [{ field: 'dueDate', op: 'lt', value: '2026-01-01T00:00:00.000Z' }, '(COALESCE(c.due_date < $1::timestamptz, false))', ['2026-01-01T00:00:00.000Z']],
    [{ field: 'assigneeId', op: 'isEmpty' }, '(c.assignee_id IS NULL)', []],
    [{ field: 'tags', op: 'isNotEmpty' }, '(cardinality(c.tags) > 0)', []],
    [{ field: 'updatedAt', op: 'olderThanHours', value: 2 },
      '(COALESCE(c.updated_at < $1::timestamptz - make_interval(secs => $2::float8), false))', [NOW.toISOString(), 7200]],
    [{ field: 'dueDate', op: 'withinHours', value: 1 },
      '(COALESCE(c.due_date BETWEEN $1::timestamptz - make_interval(secs => $2::float8) AND $1::timestamptz + make_interval(secs => $2::float8), false))',
      [NOW.toISOString(), 3600]],
  ])('%j', (condition, sql, params) => {
    expect(one(condition)).toEqual({ sql, params });
  });

  it('binds every value as a parameter, numbered after the caller\'s, joined by AND or OR', () => {
    const conditions: Condition[] = [{ field: 'title', op: 'eq', value: "x'; DROP TABLE cases; --" }, { field: 'status', op: 'eq', value: 'OPEN' }];
    const all = compileConditions(conditions, 'ALL', 'k', 3, NOW);
    expect(all.sql).toBe('(COALESCE(k.title = $3::text, false) AND COALESCE(k.status = $4::case_status, false))');
    expect(all.params).toEqual(["x'; DROP TABLE cases; --", 'OPEN']);
    expect(compileConditions(conditions, 'ANY', 'k', 1, NOW).sql).toContain(' OR ');
  });

  it('no conditions: every case', () => {
    expect(compileConditions([], 'ALL', 'c', 1, NOW)).toEqual({ sql: 'true', params: [] });
  });
});

describe('evaluateCondition (the same semantics in memory)', () => {
  it.each<[Condition, boolean]>([
    [{ field: 'status', op: 'eq', value: 'OPEN' }, true],
    [{ field: 'status', op: 'neq', value: 'OPEN' }, false],
    [{ field: 'severity', op: 'gt', value: 'MEDIUM' }, true],
    [{ field: 'severity', op: 'lt', value: 'HIGH' }, false],
    [{ field: 'scopeCode', op: 'in', value: ['HR', 'FIN'] }, true],
    [{ field: 'tags', op: 'in', value: ['x', 'q2'] }, true],
    [{ field: 'tags', op: 'notIn', value: ['fraud'] }, false],
    [{ field: 'tags', op: 'contains', value: 'fraud' }, true],
    [{ field: 'title', op: 'contains', value: 'GAPS' }, true],
    [{ field: 'assigneeId', op: 'isEmpty' }, true],
    [{ field: 'tags', op: 'isEmpty' }, false],
    [{ field: 'evidenceCount', op: 'gt', value: 2 }, false],
    [{ field: 'updatedAt', op: 'olderThanHours', value: 1 }, true],
    [{ field: 'updatedAt', op: 'olderThanHours', value: 3 }, false],
    [{ field: 'dueDate', op: 'withinHours', value: 48 }, true],
    [{ field: 'dueDate', op: 'withinHours', value: 24 }, false],
  ])('%j → %s', (condition, expected) => {
    expect(evaluateCondition(kase, condition, NOW)).toBe(expected);
  });

  it('a date comparison against a case without that date is false either way', () => {
    const noDue = { ...kase, dueDate: null };
    expect(evaluateCondition(noDue, { field: 'dueDate', op: 'gt', value: '2000-01-01T00:00:00.000Z' }, NOW)).toBe(false);
    expect(evaluateCondition(noDue, { field: 'dueDate', op: 'lt', value: '2100-01-01T00:00:00.000Z' }, NOW)).toBe(false);
  });

  it('ALL needs every condition, ANY one; explanations say which passed', () => {
    const conditions: Condition[] = [{ field: 'status', op: 'eq', value: 'OPEN' }, { field: 'severity', op: 'eq', value: 'LOW' }];
    expect(conditionsMatch(kase, conditions, 'ALL', NOW)).toBe(false);
    expect(conditionsMatch(kase, conditions, 'ANY', NOW)).toBe(true);
    expect(explainConditions(kase, conditions, NOW).map((r) => r.passed)).toEqual([true, false]);
  });
});
