import { Injectable, inject, signal } from '@angular/core';
import {
  CASE_STATUSES,
  CASE_TYPES,
  EVENT_NAMES,
  NOTIFICATION_PRIORITIES,
  ROLES,
  SEVERITIES,
} from '../../../../contracts/enums';
import { WorkflowsApi } from './workflows-api';
import { ACTION_TYPES, ASSIGN_STRATEGIES, CONDITION_OPS, ConditionFieldMeta, ConditionOp, TRIGGER_TYPES, WorkflowMeta } from './workflow.models';

const ENUM_OPS: ConditionOp[] = ['eq', 'neq', 'in', 'notIn'];
const DATE_OPS: ConditionOp[] = ['gt', 'lt', 'isEmpty', 'isNotEmpty', 'olderThanHours', 'withinHours'];

/** What the contract says, used until (or if) GET /workflows/meta answers. */
export const FALLBACK_META: WorkflowMeta = {
  triggerTypes: [...TRIGGER_TYPES],
  actionTypes: [...ACTION_TYPES],
  eventNames: [...EVENT_NAMES],
  caseStatuses: [...CASE_STATUSES],
  caseTypes: [...CASE_TYPES],
  severities: [...SEVERITIES],
  roles: [...ROLES],
  notificationPriorities: [...NOTIFICATION_PRIORITIES],
  recipientKinds: ['ASSIGNEE', 'OWNER', 'ADMINS'],
  conditionOps: [...CONDITION_OPS],
  assignStrategies: [...ASSIGN_STRATEGIES],
  templateVariables: [
    'case.caseNumber',
    'case.title',
    'case.status',
    'case.previousStatus',
    'case.severity',
    'case.caseType',
    'case.scopeCode',
    'case.dueDate',
    'case.assignee.name',
    'rule.name',
    'event.name',
    'actor.name',
    'evidence.filename',
  ],
  conditionFields: [
    { field: 'status', type: 'enum', values: [...CASE_STATUSES], ops: ENUM_OPS },
    { field: 'severity', type: 'enum', values: [...SEVERITIES], ops: [...ENUM_OPS, 'gt', 'lt'] },
    { field: 'caseType', type: 'enum', values: [...CASE_TYPES], ops: ENUM_OPS },
    { field: 'scopeCode', type: 'text', ops: ENUM_OPS },
    { field: 'assigneeId', type: 'user', ops: [...ENUM_OPS, 'isEmpty', 'isNotEmpty'] },
    { field: 'tags', type: 'tags', ops: ['contains', 'in', 'notIn', 'isEmpty', 'isNotEmpty'] },
    { field: 'title', type: 'text', ops: ['eq', 'neq', 'contains'] },
    { field: 'dueDate', type: 'date', ops: DATE_OPS },
    { field: 'createdAt', type: 'date', ops: ['gt', 'lt', 'olderThanHours', 'withinHours'] },
    { field: 'updatedAt', type: 'date', ops: ['gt', 'lt', 'olderThanHours', 'withinHours'] },
    { field: 'evidenceCount', type: 'number', ops: ['eq', 'neq', 'gt', 'lt'] },
  ] satisfies ConditionFieldMeta[],
  maxDepth: 3,
};

/** GET /workflows/meta, loaded once and shared by every editor. */
@Injectable({ providedIn: 'root' })
export class WorkflowMetaStore {
  private readonly api = inject(WorkflowsApi);
  private requested = false;

  readonly meta = signal<WorkflowMeta>(FALLBACK_META);
  readonly loaded = signal(false);

  ensureLoaded(): void {
    if (this.requested) return;
    this.requested = true;
    this.api.meta().subscribe({
      next: (meta) => {
        this.meta.set(mergeWithFallback(meta));
        this.loaded.set(true);
      },
      error: () => (this.requested = false),
    });
  }
}

/** Keeps the fallback for any list the server left out. */
export function mergeWithFallback(meta: Partial<WorkflowMeta>): WorkflowMeta {
  const merged = { ...FALLBACK_META } as WorkflowMeta;
  for (const key of Object.keys(FALLBACK_META) as (keyof WorkflowMeta)[]) {
    const value = meta[key];
    if (Array.isArray(value) && value.length > 0) (merged as unknown as Record<string, unknown>)[key] = value;
  }
  return merged;
}
