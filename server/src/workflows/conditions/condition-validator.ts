import { SCOPE_CODE_PATTERN } from '../../common/enums';
import { CONDITION_FIELDS, CONDITION_OPS, FIELD_SPECS, MAX_HOURS, type Condition } from './condition-schema';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})?)?$/;

/**
 * A date both JavaScript and PostgreSQL read the same way: no 30 February (JavaScript rolls it
 * over, PostgreSQL refuses it), sane years. Digits below the millisecond are accepted and dropped
 * when the condition is stored (normaliseConditions), so both sides compare the same instant.
 */
function isCalendarDate(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const m = ISO_DATE.exec(value);
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const calendar = new Date(Date.UTC(year, month - 1, day));
  return year >= 1900 && calendar.getUTCMonth() === month - 1 && calendar.getUTCDate() === day && !Number.isNaN(Date.parse(value));
}

/** Checks one scalar value against the field's kind; returns a problem or undefined. */
function scalarProblem(field: Condition['field'], op: Condition['op'], value: unknown): string | undefined {
  const spec = FIELD_SPECS[field];
  if (op === 'olderThanHours' || op === 'withinHours') {
    return typeof value === 'number' && Number.isFinite(value) && value > 0 && value <= MAX_HOURS
      ? undefined : `must be a number of hours greater than 0 and at most ${MAX_HOURS}`;
  }
  switch (spec.kind) {
    case 'enum':
      return typeof value === 'string' && spec.values!.includes(value) ? undefined : `must be one of ${spec.values!.join(', ')}`;
    case 'user':
      return typeof value === 'string' && UUID.test(value) ? undefined : 'must be a user id (UUID)';
    case 'tags':
      return typeof value === 'string' && value.trim().length >= 1 && value.trim().length <= 50 ? undefined : 'must be a tag of 1 to 50 characters';
    case 'number':
      return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 1_000_000 ? undefined : 'must be a whole number ≥ 0';
    case 'date':
      return isCalendarDate(value) ? undefined : 'must be a real ISO-8601 date (YYYY-MM-DD, optionally with a time), years 1900–9999';
    case 'text':
      if (field === 'scopeCode') return typeof value === 'string' && SCOPE_CODE_PATTERN.test(value) ? undefined : 'must be a scope code (^[A-Z][A-Z0-9]{1,9}$)';
      return typeof value === 'string' && value.length >= 1 && value.length <= 300 ? undefined : 'must be text of 1 to 300 characters';
  }
}

/** Every problem with a list of conditions, each message naming its path. */
export function validateConditions(input: unknown, path: string, { required }: { required: boolean }): string[] {
  if (input === undefined) return required ? [`${path}: at least one condition is required`] : [];
  if (!Array.isArray(input)) return [`${path}: must be an array of conditions`];
  if (required && input.length === 0) return [`${path}: at least one condition is required`];
  if (input.length > 50) return [`${path}: at most 50 conditions`];
  const problems: string[] = [];
  input.forEach((c, i) => {
    const at = `${path}[${i}]`;
    if (!isObject(c)) return void problems.push(`${at}: must be an object {field, op, value?}`);
    const unknown = Object.keys(c).filter((k) => !['field', 'op', 'value'].includes(k));
    if (unknown.length) problems.push(`${at}: unknown property ${unknown.join(', ')}`);
    const field = c.field as Condition['field'];
    const op = c.op as Condition['op'];
    if (!CONDITION_FIELDS.includes(field)) return void problems.push(`${at}.field: must be one of ${CONDITION_FIELDS.join(', ')}`);
    if (!CONDITION_OPS.includes(op)) return void problems.push(`${at}.op: must be one of ${CONDITION_OPS.join(', ')}`);
    if (!FIELD_SPECS[field].ops.includes(op)) {
      return void problems.push(`${at}.op: "${op}" does not apply to field "${field}" (use ${FIELD_SPECS[field].ops.join(', ')})`);
    }
    if (op === 'isEmpty' || op === 'isNotEmpty') {
      if (c.value !== undefined && c.value !== null) problems.push(`${at}.value: "${op}" takes no value`);
      return;
    }
    if (op === 'in' || op === 'notIn') {
      if (!Array.isArray(c.value) || c.value.length === 0 || c.value.length > 100) {
        return void problems.push(`${at}.value: "${op}" needs a non-empty array of values`);
      }
      (c.value as unknown[]).forEach((v, j) => {
        const p = scalarProblem(field, 'eq', v);
        if (p) problems.push(`${at}.value[${j}]: ${field} ${p}`);
      });
      return;
    }
    if (c.value === undefined || c.value === null) return void problems.push(`${at}.value: "${op}" needs a value`);
    const p = scalarProblem(field, op, c.value);
    if (p) problems.push(`${at}.value: ${field} ${p}`);
  });
  return problems;
}

/**
 * Stored form, so that SQL and in-memory evaluation read values alike: tags trimmed and lowercased
 * like the case's own tags, user ids lowercased (a uuid compares case-blind in SQL, not in
 * JavaScript), dates as full UTC ISO timestamps (no local-time reading of "2026-01-01T10:00").
 */
export function normaliseConditions(conditions: Condition[]): Condition[] {
  return conditions.map((c) => {
    // null is how a client says "no value" (isEmpty, isNotEmpty): stored as absent, never as the text "null".
    if (c.value === undefined || c.value === null) return { field: c.field, op: c.op };
    const kind = FIELD_SPECS[c.field].kind;
    const dated = c.op === 'gt' || c.op === 'lt';
    const norm = <V extends string | number>(v: V): V | string => {
      if (kind === 'tags') return String(v).trim().toLowerCase();
      if (kind === 'user') return String(v).toLowerCase();
      if (kind === 'date' && dated) return new Date(Date.parse(String(v))).toISOString();
      return v;
    };
    return { field: c.field, op: c.op, value: Array.isArray(c.value) ? c.value.map(norm) : norm(c.value) };
  });
}
