import { CaseStatus, CaseType, EventName, NotificationPriority, Role } from '../core/api-models';

export const TRIGGER_TYPES = ['STATUS_CHANGE', 'EVENT', 'CONDITION', 'TIME_BASED'] as const;
export type TriggerType = (typeof TRIGGER_TYPES)[number];

export const ACTION_TYPES = ['CHANGE_STATUS', 'ASSIGN_USER', 'ADD_TAG', 'SEND_NOTIFICATION', 'CREATE_TIMELINE'] as const;
export type ActionType = (typeof ACTION_TYPES)[number];

export const CONDITION_FIELDS = [
  'status',
  'severity',
  'caseType',
  'scopeCode',
  'assigneeId',
  'tags',
  'title',
  'dueDate',
  'createdAt',
  'updatedAt',
  'evidenceCount',
] as const;

export const CONDITION_OPS = [
  'eq',
  'neq',
  'in',
  'notIn',
  'contains',
  'gt',
  'lt',
  'isEmpty',
  'isNotEmpty',
  'olderThanHours',
  'withinHours',
] as const;
export type ConditionOp = (typeof CONDITION_OPS)[number];

export type ConditionValue = string | number | string[] | null;

export interface Condition {
  field: string;
  op: string;
  value?: ConditionValue;
}

export interface StatusChangeTrigger {
  fromStatus?: CaseStatus[];
  toStatus?: CaseStatus[];
  conditions?: Condition[];
}
export interface EventTrigger {
  event: EventName;
  conditions?: Condition[];
}
export interface ConditionTrigger {
  conditions: Condition[];
  match?: 'ALL' | 'ANY';
}
export interface TimeBasedTrigger {
  cron: string;
  conditions: Condition[];
}
export type TriggerConfig = StatusChangeTrigger | EventTrigger | ConditionTrigger | TimeBasedTrigger;

export const ASSIGN_STRATEGIES = ['ROUND_ROBIN', 'LEAST_LOADED'] as const;
export type AssignStrategy = (typeof ASSIGN_STRATEGIES)[number];

export interface ActionConfig {
  status?: CaseStatus;
  userId?: string;
  strategy?: AssignStrategy;
  role?: Role;
  tag?: string;
  recipients?: string[];
  title?: string;
  message?: string;
  priority?: NotificationPriority;
}

export interface WorkflowAction {
  id: string;
  ruleId: string;
  actionType: ActionType;
  actionConfig: ActionConfig;
  sequence: number;
}

export interface WorkflowRule {
  id: string;
  name: string;
  description: string | null;
  triggerType: TriggerType;
  triggerConfig: TriggerConfig;
  isEnabled: boolean;
  priority: number;
  stopProcessing: boolean;
  cooldownSeconds: number;
  scopeCodes: string[];
  caseTypes: CaseType[];
  actions: WorkflowAction[];
  createdAt: string;
  updatedAt: string;
}

export interface ActionRequest {
  actionType: ActionType;
  actionConfig: ActionConfig;
  sequence: number;
}

/** Body of POST /workflows/rules (PATCH takes the same without `actions`): a rule as the admin edits it. */
export type RuleRequest = Omit<WorkflowRule, 'id' | 'description' | 'actions' | 'createdAt' | 'updatedAt'> & {
  description: string;
  actions?: ActionRequest[];
};

export interface ConditionFieldMeta {
  field: string;
  type: 'enum' | 'text' | 'tags' | 'date' | 'number' | 'user';
  values?: string[];
  ops: string[];
}

export interface WorkflowMeta {
  triggerTypes: string[];
  actionTypes: string[];
  eventNames: string[];
  caseStatuses: string[];
  caseTypes: string[];
  severities: string[];
  roles: string[];
  notificationPriorities: string[];
  recipientKinds: string[];
  conditionFields: ConditionFieldMeta[];
  conditionOps: string[];
  templateVariables: string[];
  assignStrategies: string[];
}

export interface DryRunRequest {
  caseId: string;
  event?: { name: EventName; fromStatus?: CaseStatus; toStatus?: CaseStatus };
}

export interface DryRunResult {
  matched: boolean;
  reasons: string[];
  actions: { actionType: ActionType; wouldDo: string }[];
}

export interface ActionOutcome {
  actionType: ActionType;
  success: boolean;
  detail: string | null;
}

export interface HistoryEntry {
  id: string;
  ruleId: string | null;
  ruleName: string | null;
  caseId: string | null;
  caseNumber: string | null;
  eventId: string | null;
  eventName: string | null;
  triggerData: unknown;
  actionsExecuted: ActionOutcome[];
  success: boolean;
  errorMessage: string | null;
  skippedReason: 'COOLDOWN' | 'MAX_DEPTH' | null;
  depth: number;
  durationMs: number;
  createdAt: string;
  retryOf?: string | null;
}

export interface RuleRevision {
  revision: number;
  ruleId: string;
  snapshot: unknown;
  changedBy: string | null;
  changedAt: string;
}

export type TraceOutcome =
  | 'RAN'
  | 'NOT_MATCHED'
  | 'DISABLED'
  | 'OUT_OF_SCOPE'
  | 'COOLDOWN'
  | 'MAX_DEPTH'
  | 'STOPPED_BY_PRIORITY';

export interface TraceEntry {
  ruleId: string;
  ruleName: string;
  outcome: TraceOutcome;
  reasons: string[];
}

export interface WorkflowEvent {
  id: string;
  name: EventName;
  caseId: string;
  depth: number;
  createdAt: string;
  processedAt: string | null;
}

/** GET /workflows/stats (ADMIN): the numbers behind the history page's dashboard card. */
export interface WorkflowStats {
  runsLastMinute: number;
  runsLastHour: number;
  failuresLastHour: number;
  skippedLastHour: number;
  outboxPending: number;
  outboxLagSeconds: number;
}
