/**
 * Workflow shapes of the public API (CONTRACT §6, §9, §12), compiled by both the server and the console.
 * Rule and action configs are discriminated unions: `triggerType` decides the shape of `triggerConfig`,
 * `actionType` the shape of `actionConfig`.
 */
import type { ActionType, CaseStatus, CaseType, EventName, NotificationPriority, Role, TriggerType } from './enums';

export const CONDITION_FIELDS = [
  'status', 'severity', 'caseType', 'scopeCode', 'assigneeId', 'tags', 'title', 'dueDate', 'createdAt', 'updatedAt', 'evidenceCount',
] as const;
export type ConditionField = (typeof CONDITION_FIELDS)[number];

export const CONDITION_OPS = [
  'eq', 'neq', 'in', 'notIn', 'contains', 'gt', 'lt', 'isEmpty', 'isNotEmpty', 'olderThanHours', 'withinHours',
] as const;
export type ConditionOp = (typeof CONDITION_OPS)[number];

export type ConditionValue = string | number | string[] | null;

export interface Condition {
  field: ConditionField;
  op: ConditionOp;
  value?: ConditionValue;
}

export type ConditionMatch = 'ALL' | 'ANY';

export const RECIPIENT_KINDS = ['ASSIGNEE', 'OWNER', 'ADMINS'] as const;
export type RecipientKind = (typeof RECIPIENT_KINDS)[number];
export const ASSIGN_STRATEGIES = ['ROUND_ROBIN', 'LEAST_LOADED'] as const;
export type AssignStrategy = (typeof ASSIGN_STRATEGIES)[number];

export interface StatusChangeTrigger { fromStatus?: CaseStatus[]; toStatus?: CaseStatus[]; conditions?: Condition[] }
export interface EventTrigger { event: EventName; conditions?: Condition[] }
export interface ConditionTrigger { conditions: Condition[]; match?: ConditionMatch }
/** `timeZone`: IANA name the cron is read in (default UTC; rule views always carry it). */
export interface TimeBasedTrigger { cron: string; timeZone?: string; conditions: Condition[] }

/** A rule's trigger: the type and the config that goes with it. */
export type RuleTrigger =
  | { triggerType: 'STATUS_CHANGE'; triggerConfig: StatusChangeTrigger }
  | { triggerType: 'EVENT'; triggerConfig: EventTrigger }
  | { triggerType: 'CONDITION'; triggerConfig: ConditionTrigger }
  | { triggerType: 'TIME_BASED'; triggerConfig: TimeBasedTrigger };
export type TriggerConfig = RuleTrigger['triggerConfig'];
export type TriggerConfigOf<T extends TriggerType> = Extract<RuleTrigger, { triggerType: T }>['triggerConfig'];

export interface ChangeStatusConfig { status: CaseStatus }
export type AssignUserConfig = { userId: string } | { strategy: AssignStrategy; role?: Role };
export interface AddTagConfig { tag: string }
export interface SendNotificationConfig {
  /** ASSIGNEE, OWNER, ADMINS or a user id. */
  recipients: string[];
  title: string;
  message: string;
  priority?: NotificationPriority;
}
export interface CreateTimelineConfig { message: string }
export interface CallWebhookConfig { webhookId: string }

/** What an action does: the type and the config that goes with it. */
export type ActionSpec =
  | { actionType: 'CHANGE_STATUS'; actionConfig: ChangeStatusConfig }
  | { actionType: 'ASSIGN_USER'; actionConfig: AssignUserConfig }
  | { actionType: 'ADD_TAG'; actionConfig: AddTagConfig }
  | { actionType: 'SEND_NOTIFICATION'; actionConfig: SendNotificationConfig }
  | { actionType: 'CREATE_TIMELINE'; actionConfig: CreateTimelineConfig }
  | { actionType: 'CALL_WEBHOOK'; actionConfig: CallWebhookConfig };
export type ActionConfig = ActionSpec['actionConfig'];
export type ActionConfigOf<T extends ActionType> = Extract<ActionSpec, { actionType: T }>['actionConfig'];

/** The contract's `action`. */
export type ActionView = ActionSpec & { id: string; ruleId: string; sequence: number };

interface RuleFields {
  name: string;
  description: string;
  isEnabled: boolean;
  priority: number;
  stopProcessing: boolean;
  cooldownSeconds: number;
  scopeCodes: string[];
  caseTypes: CaseType[];
}

/**
 * Set by the circuit breaker (CONTRACT §12): a paused rule runs no more until an admin resumes it. The API
 * always sends both (null when running); optional here so rules built by hand (drafts, fixtures) need not.
 */
interface RulePause {
  pausedAt?: string | null;
  pausedReason?: string | null;
}

/** The contract's `rule` (CONTRACT §6), plus its pause (§12). */
export type RuleView = RuleFields & RuleTrigger & RulePause & { id: string; actions: ActionView[]; createdAt: string; updatedAt: string };

/** An action in a request body: `sequence` defaults to its place in the list. */
export type ActionBody = ActionSpec & { sequence?: number };

/** Body of POST /rules and PUT /rules/:id (every field but name and the trigger has a default). */
export type RuleBody = Partial<RuleFields> & Pick<RuleFields, 'name'> & RuleTrigger & { actions?: ActionBody[] };

export interface ActionOutcome {
  actionType: ActionType;
  success: boolean;
  detail: string;
  durationMs?: number;
}

export type SkippedReason = 'COOLDOWN' | 'MAX_DEPTH';

/** The contract's `history` row (CONTRACT §6), plus `retryOf` (§9). */
export interface HistoryView {
  id: string;
  ruleId: string;
  ruleName: string;
  caseId: string;
  caseNumber: string;
  eventId: string;
  eventName: string;
  triggerData: Record<string, unknown>;
  actionsExecuted: ActionOutcome[];
  success: boolean;
  errorMessage: string | null;
  skippedReason: SkippedReason | null;
  depth: number;
  durationMs: number;
  retryOf: string | null;
  createdAt: string;
}

export interface RevisionView {
  revision: number;
  ruleId: string;
  change: string;
  snapshot: RuleView & { deleted?: boolean };
  changedBy: string | null;
  changedAt: string;
}

export type TraceOutcome = 'RAN' | 'NOT_MATCHED' | 'DISABLED' | 'OUT_OF_SCOPE' | 'COOLDOWN' | 'MAX_DEPTH' | 'STOPPED_BY_PRIORITY';
export interface TraceEntry { ruleId: string; ruleName: string; outcome: TraceOutcome; reasons: string[] }
export interface EventView { id: string; name: EventName; caseId: string; depth: number; createdAt: string; processedAt: string | null }
export interface EventTraceView { event: EventView; items: TraceEntry[]; total: number }

export interface DryRunEvent { name: EventName; fromStatus?: CaseStatus; toStatus?: CaseStatus }
export interface DryRunRequest { caseId: string; event?: DryRunEvent }
/** POST /rules/test: the same dry run for a rule body that is not saved (validated as POST /rules). */
export interface DraftDryRunRequest extends DryRunRequest { rule: RuleBody }
export interface DryRunResult {
  matched: boolean;
  reasons: string[];
  actions: Array<{ actionType: ActionType; wouldDo: string }>;
}

/**
 * POST /workflows/rules/backtest: what a rule would have done over the recorded events of the last `days` days.
 * For a TIME_BASED rule the event fields are zero/empty and `nextRuns` says what its next ticks would find.
 */
export interface BacktestResult {
  eventsScanned: number;
  eventsMatched: number;
  casesAffected: number;
  actionCounts: Partial<Record<ActionType, number>>;
  notificationsByRecipient: Array<{ userId: string; name: string; count: number }>;
  perDay: Array<{ date: string; matched: number }>;
  samples: Array<{ eventId: string; caseId: string; caseNumber: string; at: string; wouldDo: string[] }>;
  notes: string[];
  /** Matched events the rule would not have run on: its own cooldown, the depth limit, a higher-priority stopProcessing rule. */
  skipped: { cooldown: number; maxDepth: number; stoppedByOtherRules: number };
  /** The window replayed (UTC instants) and how long the replay took. */
  from: string;
  to: string;
  durationMs: number;
  /** TIME_BASED rules only. */
  nextRuns?: Array<{ at: string; casesMatchingNow: number }>;
}

/** Socket event `workflow:backtest-progress`, to the user who asked for a backtest with a `progressId`. */
export interface BacktestProgress {
  progressId: string;
  /** `total`: the events of the window the rule listens to; `done`: how many of them lie behind the replay's position (by time). */
  done: number;
  total: number;
  finished: boolean;
}

/** GET /workflows/cron-preview: the schedule in words and its next five firings (UTC instants). */
export interface CronPreview { description: string; timeZone: string; next: string[] }

export type FieldKind = 'enum' | 'text' | 'tags' | 'date' | 'number' | 'user';
export interface ConditionFieldMeta { field: ConditionField; type: FieldKind; values?: readonly string[]; ops: readonly ConditionOp[] }

/** GET /workflows/meta: what the console needs to build rule editors. */
export interface WorkflowMeta {
  triggerTypes: readonly TriggerType[];
  actionTypes: readonly ActionType[];
  eventNames: readonly EventName[];
  caseStatuses: readonly CaseStatus[];
  caseTypes: readonly CaseType[];
  severities: readonly string[];
  roles: readonly Role[];
  notificationPriorities: readonly NotificationPriority[];
  recipientKinds: readonly RecipientKind[];
  assignStrategies: readonly AssignStrategy[];
  conditionOps: readonly ConditionOp[];
  conditionFields: readonly ConditionFieldMeta[];
  templateVariables: readonly string[];
  maxDepth: number;
}

/** GET /workflows/stats: the numbers behind the history page's dashboard card. */
export interface WorkflowStats {
  runsLastMinute: number;
  runsLastHour: number;
  failuresLastHour: number;
  skippedLastHour: number;
  outboxPending: number;
  outboxLagSeconds: number;
  /** Events set aside after their last attempt, neither retried nor dismissed yet. */
  deadLettersOpen?: number;
}

/** GET /workflows/stats/timeline: the window and the size of its buckets. */
export type StatsRange = '24h' | '7d';
export type StatsBucket = 'hour' | 'day';

/** One bucket of rule runs: `runs` counts runs that executed (failed ones included), `skipped` the COOLDOWN and MAX_DEPTH rows. */
export interface RunStatsPoint {
  bucketStart: string;
  runs: number;
  failures: number;
  skipped: number;
  avgDurationMs: number | null;
}

export interface FailingRuleStats {
  ruleId: string;
  ruleName: string;
  failures: number;
  runs: number;
  /** Start of the latest bucket (hour) with a failure. */
  lastFailureAt: string;
}

/** A queue the dashboard samples once a minute: `outbox` (domain events), `webhooks` and `email` (deliveries); more may follow. */
export type BacklogQueue = 'outbox' | 'webhooks' | 'email' | (string & {});

export interface BacklogPoint {
  bucketStart: string;
  /** The most items waiting in any sample of the bucket. */
  pending: number;
  /** The longest wait (age of the oldest item) seen in the bucket. */
  oldestAgeSeconds: number;
}

export interface BacklogSeries {
  queue: BacklogQueue;
  points: BacklogPoint[];
}

export interface WorkflowStatsTimeline {
  range: StatsRange;
  bucket: StatsBucket;
  /** Start of the first bucket; `to` is the end of the last one (the current bucket is still filling). */
  from: string;
  to: string;
  /** Every bucket of the window, in order, empty ones as zeros. */
  runs: RunStatsPoint[];
  topFailingRules: FailingRuleStats[];
  /** Width of a backlog point (samples are taken once a minute and condensed to this). */
  backlogIntervalSeconds: number;
  backlogs: BacklogSeries[];
}

/** GET /rules/export; POST /rules/import takes the same. */
export interface RuleExport {
  format: 'auditcaseos-rules';
  version: 1;
  exportedAt: string;
  rules: RuleBody[];
}

/** What the rule-set analysis found about a rule (CONTRACT §12); never blocks a save. */
export type RuleWarningCode = 'LOOP' | 'SHADOWED' | 'NEVER_MATCHES' | 'FAN_OUT';
export interface RuleWarning {
  code: RuleWarningCode;
  /** One sentence naming the rules involved. */
  message: string;
  /** The rules involved, this one first. */
  ruleIds: string[];
}

/** A rule as the API answers it: the stored rule plus what the analysis of the whole rule set says about it. */
export type RuleResponse = RuleView & { warnings: RuleWarning[] };

/** GET /workflows/dead-letters: an event set aside after its last failed attempt (CONTRACT §12). */
export interface DeadLetterView {
  id: string;
  eventName: EventName;
  caseId: string;
  caseNumber: string | null;
  attempts: number;
  error: string | null;
  createdAt: string;
  /** When it was (last) set aside. */
  deadLetteredAt: string;
  /** The event as recorded: the case as it was, and what changed. */
  payload: Record<string, unknown>;
}

/** GET /workflows/templates: a ready-made rule; its body is what POST /workflows/rules takes. */
export interface RuleTemplate {
  key: string;
  name: string;
  description: string;
  rule: RuleBody;
}
