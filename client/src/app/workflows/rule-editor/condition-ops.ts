import { ConditionFieldMeta, ConditionValue, WorkflowMeta } from '../workflow.models';

/** How a condition's value is edited (and sent). */
export type ValueKind = 'none' | 'enum' | 'enumList' | 'number' | 'text' | 'textList' | 'user' | 'date';

const NO_VALUE_OPS = new Set(['isEmpty', 'isNotEmpty']);
const HOURS_OPS = new Set(['olderThanHours', 'withinHours']);
const LIST_OPS = new Set(['in', 'notIn']);

export const OP_LABELS: Record<string, string> = {
  eq: 'is',
  neq: 'is not',
  in: 'is one of',
  notIn: 'is none of',
  contains: 'contains',
  gt: 'is greater than',
  lt: 'is less than',
  isEmpty: 'is empty',
  isNotEmpty: 'is not empty',
  olderThanHours: 'is older than (hours)',
  withinHours: 'is within (hours)',
};

const DATE_FIELDS = new Set(['dueDate', 'createdAt', 'updatedAt']);

/** The op in words for this field: dates are "after"/"before", numbers and severities "greater"/"less". */
export function opLabel(op: string, field: string): string {
  if (DATE_FIELDS.has(field) && op === 'gt') return 'is after';
  if (DATE_FIELDS.has(field) && op === 'lt') return 'is before';
  return OP_LABELS[op] ?? op;
}

export function fieldMeta(field: string, meta: WorkflowMeta): ConditionFieldMeta | undefined {
  return meta.conditionFields.find((f) => f.field === field);
}

/** The ops that fit the field (per /workflows/meta), in the order of meta.conditionOps. */
export function opsForField(field: string, meta: WorkflowMeta): string[] {
  const allowed = fieldMeta(field, meta)?.ops;
  if (!allowed || allowed.length === 0) return [];
  const order = meta.conditionOps.length ? meta.conditionOps : allowed;
  const ordered = order.filter((op) => allowed.includes(op));
  return [...ordered, ...allowed.filter((op) => !ordered.includes(op))];
}

/** Which editor the value needs for this field and op. */
export function valueKindFor(field: ConditionFieldMeta | undefined, op: string): ValueKind {
  if (!op || NO_VALUE_OPS.has(op)) return 'none';
  if (HOURS_OPS.has(op)) return 'number';
  if (!field) return 'text';
  switch (field.type) {
    case 'number':
      return 'number';
    case 'enum':
      return LIST_OPS.has(op) ? 'enumList' : 'enum';
    case 'user':
      return LIST_OPS.has(op) ? 'textList' : 'user';
    case 'date':
      return 'date';
    default:
      return LIST_OPS.has(op) ? 'textList' : 'text';
  }
}

/** The value as the API wants it for this kind; undefined when the condition takes no value. */
export function coerceConditionValue(kind: ValueKind, raw: ConditionValue | undefined): ConditionValue | undefined {
  switch (kind) {
    case 'none':
      return undefined;
    case 'number': {
      if (raw === null || raw === undefined || raw === '') return null;
      const n = Number(Array.isArray(raw) ? raw[0] : raw);
      return Number.isFinite(n) ? n : null;
    }
    case 'enumList':
      return Array.isArray(raw) ? raw : raw === null || raw === undefined || raw === '' ? [] : [String(raw)];
    case 'textList':
      return Array.isArray(raw)
        ? raw.map((v) => v.trim()).filter(Boolean)
        : String(raw ?? '')
            .split(',')
            .map((v) => v.trim())
            .filter(Boolean);
    default:
      if (Array.isArray(raw)) return raw[0] ?? '';
      return raw === null || raw === undefined ? '' : typeof raw === 'string' ? raw.trim() : String(raw);
  }
}

/** A value the new kind can still show, so switching field/op keeps what still makes sense. */
export function valueForKind(kind: ValueKind, current: ConditionValue | undefined): ConditionValue {
  if (kind === 'none') return null;
  if (kind === 'enumList' || kind === 'textList') {
    if (Array.isArray(current)) return current;
    return current === null || current === undefined || current === '' ? [] : [String(current)];
  }
  if (Array.isArray(current)) return current[0] ?? null;
  if (kind === 'number') return typeof current === 'number' ? current : null;
  return current ?? null;
}
