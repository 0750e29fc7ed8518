import { CASE_STATUSES, CASE_TYPES, SEVERITIES } from '../../common/enums';

export {
  CONDITION_FIELDS, CONDITION_OPS, type Condition, type ConditionField, type ConditionOp, type FieldKind,
} from '../../../../contracts/workflows';
import type { ConditionField, ConditionOp, FieldKind } from '../../../../contracts/workflows';

export interface FieldSpec {
  kind: FieldKind;
  values?: readonly string[];
  ops: readonly ConditionOp[];
}

/** Which ops fit which field: anything else is refused at save time, naming the field. */
export const FIELD_SPECS: Record<ConditionField, FieldSpec> = {
  status: { kind: 'enum', values: CASE_STATUSES, ops: ['eq', 'neq', 'in', 'notIn'] },
  severity: { kind: 'enum', values: SEVERITIES, ops: ['eq', 'neq', 'in', 'notIn', 'gt', 'lt'] },
  caseType: { kind: 'enum', values: CASE_TYPES, ops: ['eq', 'neq', 'in', 'notIn'] },
  scopeCode: { kind: 'text', ops: ['eq', 'neq', 'in', 'notIn'] },
  assigneeId: { kind: 'user', ops: ['eq', 'neq', 'in', 'notIn', 'isEmpty', 'isNotEmpty'] },
  tags: { kind: 'tags', ops: ['contains', 'in', 'notIn', 'isEmpty', 'isNotEmpty'] },
  title: { kind: 'text', ops: ['eq', 'neq', 'contains'] },
  dueDate: { kind: 'date', ops: ['gt', 'lt', 'isEmpty', 'isNotEmpty', 'olderThanHours', 'withinHours'] },
  createdAt: { kind: 'date', ops: ['gt', 'lt', 'olderThanHours', 'withinHours'] },
  updatedAt: { kind: 'date', ops: ['gt', 'lt', 'olderThanHours', 'withinHours'] },
  evidenceCount: { kind: 'number', ops: ['eq', 'neq', 'gt', 'lt'] },
};

export const SEVERITY_RANK: Record<string, number> = { LOW: 0, MEDIUM: 1, HIGH: 2, CRITICAL: 3 };
export const MAX_HOURS = 24 * 365 * 10;
