import { FIELD_SPECS, SEVERITY_RANK, type Condition, type ConditionField } from '../conditions/condition-schema';

/**
 * A condition together with where it came from, so a contradiction can be explained: the rule's own
 * conditions, or facts the analysis adds (the trigger's toStatus, the rule's scopes, what an action just set).
 */
export interface LabelledCondition { condition: Condition; label: string }

export function label(c: Condition): string {
  const v = c.value === undefined ? '' : ` ${Array.isArray(c.value) ? `[${c.value.join(', ')}]` : String(c.value)}`;
  return `${c.field} ${c.op}${v}`;
}

/** The values one field may still take, narrowed condition by condition (match ALL). */
interface Range {
  /** Values a scalar field may have (undefined: any); for tags: at least one of each list must be present. */
  allowed?: Set<string>;
  excluded: Set<string>;
  mustBeEmpty: boolean;
  mustBeFilled: boolean;
  /** Numbers and absolute dates (ms): strict bounds. */
  above: number; below: number;
  /** Relative dates: older than `olderThan` hours, within `within` hours of now. */
  olderThan: number; within: number;
  tagsRequired: Set<string>;
  tagsAnyOf: string[][];
}

function emptyRange(): Range {
  return {
    excluded: new Set(), mustBeEmpty: false, mustBeFilled: false, above: -Infinity, below: Infinity,
    olderThan: -Infinity, within: Infinity, tagsRequired: new Set(), tagsAnyOf: [],
  };
}

function narrow(r: Range, values: Iterable<string>): void {
  const next = new Set(values);
  r.allowed = r.allowed ? new Set([...r.allowed].filter((v) => next.has(v))) : next;
}

function numeric(field: ConditionField, value: unknown): number {
  if (field === 'severity') return SEVERITY_RANK[value as string];
  if (field === 'evidenceCount') return value as number;
  return Date.parse(value as string);
}

function apply(r: Range, c: Condition): void {
  const { field, op, value } = c;
  if (field === 'tags') {
    if (op === 'contains') r.tagsRequired.add(value as string);
    else if (op === 'in') r.tagsAnyOf.push(value as string[]);
    else if (op === 'notIn') for (const t of value as string[]) r.excluded.add(t);
    else if (op === 'isEmpty') r.mustBeEmpty = true;
    else if (op === 'isNotEmpty') r.mustBeFilled = true;
    return;
  }
  switch (op) {
    case 'eq': narrow(r, [String(value)]); r.mustBeFilled = true; break;
    case 'in': narrow(r, (value as unknown[]).map(String)); r.mustBeFilled = true; break;
    case 'neq': r.excluded.add(String(value)); break;
    case 'notIn': for (const v of value as unknown[]) r.excluded.add(String(v)); break;
    case 'isEmpty': r.mustBeEmpty = true; break;
    case 'isNotEmpty': r.mustBeFilled = true; break;
    case 'gt': r.above = Math.max(r.above, numeric(field, value)); r.mustBeFilled = true; break;
    case 'lt': r.below = Math.min(r.below, numeric(field, value)); r.mustBeFilled = true; break;
    case 'olderThanHours': r.olderThan = Math.max(r.olderThan, value as number); r.mustBeFilled = true; break;
    case 'withinHours': r.within = Math.min(r.within, value as number); r.mustBeFilled = true; break;
    case 'contains': break;
  }
}

/** Whether no value of `field` satisfies everything `r` asks. */
function impossible(field: ConditionField, r: Range): boolean {
  if (r.mustBeEmpty && r.mustBeFilled) return true;
  if (field === 'tags') {
    if (r.mustBeEmpty && (r.tagsRequired.size || r.tagsAnyOf.length)) return true;
    if ([...r.tagsRequired].some((t) => r.excluded.has(t))) return true;
    return r.tagsAnyOf.some((list) => list.every((t) => r.excluded.has(t)));
  }
  const spec = FIELD_SPECS[field];
  // Integers and ranked enums have gaps: gt 2 and lt 3 leaves nothing.
  const discrete = field === 'evidenceCount' || field === 'severity';
  if (discrete ? r.below - r.above <= 1 : r.below <= r.above) return true;
  if (r.olderThan >= r.within) return true;
  let candidates = r.allowed ?? (spec.values ? new Set(spec.values) : undefined);
  if (!candidates) return false;
  candidates = new Set([...candidates].filter((v) => !r.excluded.has(v)));
  if (field === 'severity' || field === 'evidenceCount') {
    candidates = new Set([...candidates].filter((v) => {
      const n = numeric(field, field === 'evidenceCount' ? Number(v) : v);
      return n > r.above && n < r.below;
    }));
  }
  return candidates.size === 0;
}

/**
 * The first field whose conditions cannot all hold at once (match ALL), with the conditions involved,
 * or undefined when some case could satisfy them all. Conservative: fields it cannot reason about
 * (text `contains`, mixed absolute and relative dates) are taken to be satisfiable.
 */
export function contradiction(conditions: LabelledCondition[]): { field: ConditionField; involved: string[] } | undefined {
  const byField = new Map<ConditionField, LabelledCondition[]>();
  for (const c of conditions) byField.set(c.condition.field, [...(byField.get(c.condition.field) ?? []), c]);
  for (const [field, list] of byField) {
    const range = emptyRange();
    for (const c of list) apply(range, c.condition);
    if (impossible(field, range)) return { field, involved: list.map((c) => c.label) };
  }
  return undefined;
}

/** Conditions as the rule states them, labelled by themselves. */
export function own(conditions: readonly Condition[] | undefined): LabelledCondition[] {
  return (conditions ?? []).map((condition) => ({ condition, label: label(condition) }));
}
