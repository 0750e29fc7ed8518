import { CaseStatus, NotificationPriority, Role } from '../../../../contracts/enums';
import type {
  ActionView,
  DryRunRequest as ContractDryRunRequest,
  DryRunResult as ContractDryRunResult,
  EventView,
  HistoryView,
  RevisionView,
  RuleView,
  RuleWarning,
  TraceEntry as ContractTraceEntry,
  TraceOutcome as ContractTraceOutcome,
  WorkflowStats as ContractWorkflowStats,
  WorkflowMeta as ContractWorkflowMeta,
  ConditionFieldMeta as ContractConditionFieldMeta,
} from '../../../../contracts/workflows';

/** The API's shapes come from the shared contract; what stays here is the editor's own (looser) draft types. */
export type { ActionType, TriggerType } from '../../../../contracts/enums';
import type { ActionType } from '../../../../contracts/enums';
export {
  ASSIGN_STRATEGIES,
  CONDITION_FIELDS,
  CONDITION_OPS,
  type AssignStrategy,
  type ConditionOp,
  type ConditionTrigger,
  type ConditionValue,
  type EventTrigger,
  type StatusChangeTrigger,
  type TimeBasedTrigger,
} from '../../../../contracts/workflows';
import type { AssignStrategy, ConditionMatch, ConditionValue, EventTrigger, StatusChangeTrigger, TimeBasedTrigger } from '../../../../contracts/workflows';

/** In the order the editor offers them. */
export const TRIGGER_TYPES = ['STATUS_CHANGE', 'EVENT', 'CONDITION', 'TIME_BASED'] as const;

export const ACTION_TYPES = ['CHANGE_STATUS', 'ASSIGN_USER', 'ADD_TAG', 'SEND_NOTIFICATION', 'CREATE_TIMELINE', 'CALL_WEBHOOK'] as const;

/** A condition as the editor holds it while it is being built (field and op not chosen yet). */
export interface Condition {
  field: string;
  op: string;
  value?: ConditionValue;
}

/** A trigger config as the editor builds it: the contract's, with draft conditions. */
export type TriggerConfig =
  | (Omit<StatusChangeTrigger, 'conditions'> & { conditions?: Condition[] })
  | (Omit<EventTrigger, 'conditions'> & { conditions?: Condition[] })
  | { conditions: Condition[]; match?: ConditionMatch }
  | (Omit<TimeBasedTrigger, 'conditions'> & { conditions: Condition[] });

/** Every action's fields in one bag: what the action editor reads and writes. */
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
  webhookId?: string;
}

export type WorkflowAction = ActionView;
/** A rule as the API answers it; `warnings` is what the analysis of the whole rule set says about it. */
export type WorkflowRule = RuleView & { warnings?: RuleWarning[] };

export interface ActionRequest {
  actionType: ActionType;
  actionConfig: ActionConfig;
  sequence: number;
}

/** Body of POST /workflows/rules and PUT /workflows/rules/:id, as the editor builds it (the server validates it). */
export type RuleRequest = Omit<WorkflowRule, 'id' | 'description' | 'actions' | 'createdAt' | 'updatedAt' | 'triggerConfig' | 'pausedAt' | 'pausedReason'> & {
  triggerConfig: TriggerConfig;
  description: string;
  actions: ActionRequest[];
};

/** GET /workflows/meta. */
export type WorkflowMeta = ContractWorkflowMeta;
export type ConditionFieldMeta = ContractConditionFieldMeta;

export type DryRunRequest = ContractDryRunRequest;
export type DryRunResult = ContractDryRunResult;
/** `retryOf` came with retries (§9): older rows in a page may lack it. */
export type HistoryEntry = Omit<HistoryView, 'retryOf'> & { retryOf?: string | null };
export type RuleRevision = RevisionView;
export type TraceOutcome = ContractTraceOutcome;
export type TraceEntry = ContractTraceEntry;
export type WorkflowEvent = EventView;
/** GET /workflows/stats (ADMIN): the numbers behind the history page's dashboard card. */
export type WorkflowStats = ContractWorkflowStats;
