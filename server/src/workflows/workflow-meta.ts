import { CASE_STATUSES, CASE_TYPES, NOTIFICATION_PRIORITIES, ROLES, SEVERITIES } from '../common/enums';
import { EVENT_NAMES } from '../events/event-map';
import { CONDITION_FIELDS, CONDITION_OPS, FIELD_SPECS } from './conditions/condition-schema';
import { ACTION_TYPES, ASSIGN_STRATEGIES, MAX_DEPTH, RECIPIENT_KINDS, TRIGGER_TYPES } from './rules/rule.types';
import { TEMPLATE_VARIABLES } from './templates';
import type { WorkflowMeta } from '../../../contracts/workflows';

/** Everything the console needs to build rule editors (GET /workflows/meta). */
export const WORKFLOW_META: WorkflowMeta = {
  triggerTypes: TRIGGER_TYPES,
  actionTypes: ACTION_TYPES,
  eventNames: EVENT_NAMES,
  caseStatuses: CASE_STATUSES,
  caseTypes: CASE_TYPES,
  severities: SEVERITIES,
  roles: ROLES,
  notificationPriorities: NOTIFICATION_PRIORITIES,
  recipientKinds: RECIPIENT_KINDS,
  assignStrategies: ASSIGN_STRATEGIES,
  conditionOps: CONDITION_OPS,
  conditionFields: CONDITION_FIELDS.map((field) => ({
    field, type: FIELD_SPECS[field].kind, ...(FIELD_SPECS[field].values ? { values: FIELD_SPECS[field].values } : {}), ops: FIELD_SPECS[field].ops,
  })),
  templateVariables: TEMPLATE_VARIABLES,
  maxDepth: MAX_DEPTH,
};
