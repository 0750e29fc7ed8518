import type { CaseSnapshot } from '../../events/event-map';
import { SEVERITY_RANK, type Condition } from './condition-schema';

const HOUR_MS = 3_600_000;

function fieldValue(c: CaseSnapshot, field: Condition['field']): unknown {
  return c[field];
}

function compare(field: Condition['field'], actual: unknown, expected: unknown): number | undefined {
  if (actual === null || actual === undefined) return undefined;
  if (field === 'severity') return SEVERITY_RANK[actual as string] - SEVERITY_RANK[expected as string];
  if (field === 'evidenceCount') return (actual as number) - (expected as number);
  return Date.parse(actual as string) - Date.parse(expected as string);
}

/** Whether one condition holds for the case at time `now` (same semantics as the SQL compiler). */
export function evaluateCondition(c: CaseSnapshot, cond: Condition, now: Date): boolean {
  const actual = fieldValue(c, cond.field);
  const v = cond.value;
  switch (cond.op) {
    case 'eq':
      return actual === v;
    case 'neq':
      return actual !== v;
    case 'in':
      if (cond.field === 'tags') return (actual as string[]).some((t) => (v as string[]).includes(t));
      return (v as unknown[]).includes(actual);
    case 'notIn':
      if (cond.field === 'tags') return !(actual as string[]).some((t) => (v as string[]).includes(t));
      return !(v as unknown[]).includes(actual);
    case 'contains':
      if (cond.field === 'tags') return (actual as string[]).includes(v as string);
      return (actual as string).toLowerCase().includes((v as string).toLowerCase());
    case 'gt': {
      const d = compare(cond.field, actual, v);
      return d !== undefined && d > 0;
    }
    case 'lt': {
      const d = compare(cond.field, actual, v);
      return d !== undefined && d < 0;
    }
    case 'isEmpty':
      return actual === null || actual === undefined || (Array.isArray(actual) && actual.length === 0);
    case 'isNotEmpty':
      return !(actual === null || actual === undefined || (Array.isArray(actual) && actual.length === 0));
    case 'olderThanHours':
      return actual !== null && Date.parse(actual as string) < now.getTime() - (v as number) * HOUR_MS;
    case 'withinHours': {
      if (actual === null) return false;
      const t = Date.parse(actual as string);
      return t >= now.getTime() - (v as number) * HOUR_MS && t <= now.getTime() + (v as number) * HOUR_MS;
    }
  }
}

export interface ConditionResult {
  condition: Condition;
  passed: boolean;
  /** e.g. `severity gt MEDIUM: true (is HIGH)` */
  explanation: string;
}

function show(value: unknown): string {
  if (value === null || value === undefined) return 'empty';
  if (Array.isArray(value)) return value.length ? `[${value.join(', ')}]` : '[]';
  return String(value);
}

export function explainConditions(c: CaseSnapshot, conditions: Condition[], now: Date): ConditionResult[] {
  return conditions.map((condition) => {
    const passed = evaluateCondition(c, condition, now);
    const expected = condition.value === undefined ? '' : ` ${show(condition.value)}`;
    return {
      condition, passed,
      explanation: `${condition.field} ${condition.op}${expected}: ${passed} (is ${show(fieldValue(c, condition.field))})`,
    };
  });
}

export function conditionsMatch(c: CaseSnapshot, conditions: Condition[] | undefined, match: 'ALL' | 'ANY', now: Date): boolean {
  if (!conditions?.length) return true;
  return match === 'ALL' ? conditions.every((x) => evaluateCondition(c, x, now)) : conditions.some((x) => evaluateCondition(c, x, now));
}
