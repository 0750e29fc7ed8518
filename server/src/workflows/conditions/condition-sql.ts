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
  columnOf: (field: Condition['field']) => string = (field) => `${alias}.${COLUMNS[field]}`,
): CompiledSql {
  const params: unknown[] = [];
  const p = (value: unknown) => {
    params.push(value);
    return `$${firstParam + params.length - 1}`;
  };
  const nowParam = conditions.some((c) => c.op === 'olderThanHours' || c.op === 'withinHours') ? p(now.toISOString()) : '';
  const parts = conditions.map((c) => {
    const col = columnOf(c.field);
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

/** Fields whose SQL and in-memory meanings are identical on a JSON case snapshot (no text folding, no clocks, no date parsing). */
const EXACT_ON_SNAPSHOTS: Partial<Record<Condition['field'], (snapshot: string) => string>> = {
  status: (x) => `(${x}->>'status')::case_status`,
  severity: (x) => `(${x}->>'severity')::case_severity`,
  caseType: (x) => `(${x}->>'caseType')::case_type`,
  scopeCode: (x) => `(${x}->>'scopeCode')`,
  assigneeId: (x) => `(${x}->>'assigneeId')::uuid`,
  evidenceCount: (x) => `(${x}->>'evidenceCount')::int`,
  tags: (x) => `(${x}->'tags')`,
};

/** Tag conditions straight on the JSON array (`?`, `?|`): no array is built per row. */
function tagsOnSnapshot(c: Condition, tags: string, p: (value: unknown) => string): string {
  switch (c.op) {
    case 'contains': return `COALESCE(${tags} ? ${p(c.value)}::text, false)`;
    case 'in': return `COALESCE(${tags} ?| ${p(c.value)}::text[], false)`;
    case 'notIn': return `NOT COALESCE(${tags} ?| ${p(c.value)}::text[], false)`;
    case 'isEmpty': return `COALESCE(jsonb_array_length(${tags}), 0) = 0`;
    case 'isNotEmpty': return `COALESCE(jsonb_array_length(${tags}), 0) > 0`;
    default: return 'true';
  }
}

const TAG_OPS = new Set(['contains', 'in', 'notIn', 'isEmpty', 'isNotEmpty']);

/**
 * A SQL pre-filter over a JSON case snapshot (`snapshot`: an expression such as `payload->'case'`) that keeps
 * every snapshot the conditions could match: the conditions on fields whose meaning is exactly the same in SQL
 * (for ALL; for ANY only when every condition is such), null when nothing can be filtered. The in-memory
 * evaluator still decides: this only spares fetching what it would certainly reject.
 */
export function snapshotPrefilter(conditions: Condition[] | undefined, match: 'ALL' | 'ANY', snapshot: string, firstParam: number): CompiledSql | null {
  const exact = (conditions ?? []).filter((c) => EXACT_ON_SNAPSHOTS[c.field] && c.op !== 'olderThanHours' && c.op !== 'withinHours'
    && (c.field === 'tags' ? TAG_OPS.has(c.op) : c.op !== 'contains'));
  if (!exact.length || (match === 'ANY' && exact.length !== conditions!.length)) return null;
  const params: unknown[] = [];
  const parts = exact.map((c) => {
    if (c.field === 'tags') {
      return tagsOnSnapshot(c, EXACT_ON_SNAPSHOTS.tags!(snapshot), (value) => { params.push(value); return `$${firstParam + params.length - 1}`; });
    }
    const one = compileConditions([c], 'ALL', '', firstParam + params.length, new Date(0), (field) => EXACT_ON_SNAPSHOTS[field]!(snapshot));
    params.push(...one.params);
    return one.sql;
  });
  return { sql: `(${parts.join(match === 'ALL' ? ' AND ' : ' OR ')})`, params };
}
