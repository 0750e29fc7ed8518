import type { Condition } from './condition-schema';

export interface CompiledSql {
  sql: string;
  params: unknown[];
}

const COLUMNS: Record<Condition['field'], string> = {
  status: 'status', severity: 'severity', caseType: 'case_type', scopeCode: 'scope_code', assigneeId: 'assignee_id',
  tags: 'tags', title: 'title', dueDate: 'due_date', createdAt: 'created_at', updatedAt: 'updated_at', evidenceCount: 'evidence_count',
};

const CASTS: Partial<Record<Condition['field'], string>> = {
  status: 'case_status', severity: 'case_severity', caseType: 'case_type', assigneeId: 'uuid', scopeCode: 'text', title: 'text',
  dueDate: 'timestamptz', createdAt: 'timestamptz', updatedAt: 'timestamptz', evidenceCount: 'int',
};

/**
 * Compiles conditions to a parameterised SQL predicate over `cases` (alias
 * `alias`), with the same meaning as the in-memory evaluator. Values are only
 * ever bound as parameters; `now` is a parameter too, so a scan and a dry run
 * agree on time.
 */
export function compileConditions(
  conditions: Condition[], match: 'ALL' | 'ANY', alias: string, firstParam: number, now: Date,
): CompiledSql {
  const params: unknown[] = [];
  const p = (value: unknown) => {
    params.push(value);
    return `$${firstParam + params.length - 1}`;
  };
  const nowParam = conditions.some((c) => c.op === 'olderThanHours' || c.op === 'withinHours') ? p(now.toISOString()) : '';
  const parts = conditions.map((c) => {
    const col = `${alias}.${COLUMNS[c.field]}`;
    const cast = CASTS[c.field];
    switch (c.op) {
      case 'eq': return `COALESCE(${col} = ${p(c.value)}::${cast}, false)`;
      case 'neq': return `${col} IS DISTINCT FROM ${p(c.value)}::${cast}`;
      case 'in':
        if (c.field === 'tags') return `${col} && ${p(c.value)}::text[]`;
        return `COALESCE(${col} = ANY(${p(c.value)}::${cast}[]), false)`;
      case 'notIn':
        if (c.field === 'tags') return `NOT (${col} && ${p(c.value)}::text[])`;
        return `NOT COALESCE(${col} = ANY(${p(c.value)}::${cast}[]), false)`;
      case 'contains':
        if (c.field === 'tags') return `${p(c.value)}::text = ANY(${col})`;
        return `strpos(lower(${col}), lower(${p(c.value)}::text)) > 0`;
      case 'gt': return `COALESCE(${col} > ${p(c.value)}::${cast}, false)`;
      case 'lt': return `COALESCE(${col} < ${p(c.value)}::${cast}, false)`;
      case 'isEmpty': return c.field === 'tags' ? `cardinality(${col}) = 0` : `${col} IS NULL`;
      case 'isNotEmpty': return c.field === 'tags' ? `cardinality(${col}) > 0` : `${col} IS NOT NULL`;
      case 'olderThanHours':
        return `COALESCE(${col} < ${nowParam}::timestamptz - make_interval(secs => ${p(Number(c.value) * 3600)}::float8), false)`;
      case 'withinHours': {
        const span = p(Number(c.value) * 3600);
        return `COALESCE(${col} BETWEEN ${nowParam}::timestamptz - make_interval(secs => ${span}::float8) AND ${nowParam}::timestamptz + make_interval(secs => ${span}::float8), false)`;
      }
    }
  });
  if (!parts.length) return { sql: 'true', params };
  return { sql: `(${parts.join(match === 'ALL' ? ' AND ' : ' OR ')})`, params };
}

/**
 * A TIME_BASED rule's whole case filter as SQL over `cases c`: its conditions (ALL) plus its scope and case-type
 * lists, parameters from `$${paramsBefore + 1}` — the predicate the scheduler's tick scans with.
 */
export function rulePredicate(
  rule: { scopeCodes: string[]; caseTypes: string[] }, conditions: Condition[], now: Date, paramsBefore: number,
): CompiledSql {
  const compiled = compileConditions(conditions, 'ALL', 'c', paramsBefore + 1, now);
  const parts = [compiled.sql];
  const params = [...compiled.params];
  if (rule.scopeCodes.length) { params.push(rule.scopeCodes); parts.push(`c.scope_code = ANY($${paramsBefore + params.length}::text[])`); }
  if (rule.caseTypes.length) { params.push(rule.caseTypes); parts.push(`c.case_type = ANY($${paramsBefore + params.length}::case_type[])`); }
  return { sql: parts.join(' AND '), params };
}
