import { CASE_STATUSES, CASE_TYPES, NOTIFICATION_PRIORITIES, ROLES, SEVERITIES, THEMES, TIMELINE_KINDS, TIME_FORMATS } from '../common/enums';
import { EMAIL_DELIVERY_STATUSES } from '../../../contracts/email';
import { EVENT_NAMES } from '../events/event-map';
import { ACTION_TYPES } from '../workflows/rules/rule.types';
import { ACTION_CONFIGS, CONDITION, TRIGGER_CONFIGS, discriminated } from './rule-schemas';
import {
  arrayOf, bool, dateTime, enumOf, freeObject, int, listOf, nullable, num, object, ref, str, uuid, type Schema,
} from './schema-helpers';

/** Response shapes of the API (the request shapes come from the DTOs' decorators). */
const user = object({
  id: uuid, email: str({ format: 'email' }), name: str(), role: enumOf(ROLES), isActive: bool,
  scopeCodes: arrayOf(str(), { description: 'case scopes a non-admin may see; empty = all' }), createdAt: dateTime,
  mustChangePassword: bool, lastLoginAt: nullable(dateTime), authProvider: enumOf(['LOCAL', 'OIDC']),
}, ['mustChangePassword', 'lastLoginAt', 'authProvider']);

const caseView = object({
  id: uuid, caseNumber: str({ example: 'FIN-2026-0042' }), title: str(), description: str(), status: enumOf(CASE_STATUSES),
  caseType: enumOf(CASE_TYPES), scopeCode: str({ pattern: '^[A-Z][A-Z0-9]{1,9}$' }), severity: enumOf(SEVERITIES),
  assigneeId: nullable(uuid), ownerId: nullable(uuid), tags: arrayOf(str()), dueDate: nullable(dateTime),
  createdAt: dateTime, updatedAt: dateTime, closedAt: nullable(dateTime),
});

const notification = object({
  id: uuid, userId: uuid, title: str(), message: str(), priority: enumOf(NOTIFICATION_PRIORITIES),
  entityType: nullable(str()), entityId: nullable(str()), linkUrl: nullable(str()), isRead: bool,
  createdAt: dateTime, readAt: nullable(dateTime),
  ruleId: nullable({ ...uuid, description: 'the rule that sent it; null when no rule did' }),
  ruleName: nullable(str({ description: 'that rule\'s name when it sent the notification' })),
});

const history = object({
  id: uuid, ruleId: uuid, ruleName: str(), caseId: uuid, caseNumber: str(), eventId: uuid,
  eventName: str({ description: 'an EventName, or schedule.tick for TIME_BASED runs' }),
  triggerData: freeObject,
  actionsExecuted: arrayOf(object({ actionType: enumOf(ACTION_TYPES), success: bool, detail: str(), durationMs: num }, ['durationMs'])),
  success: bool, errorMessage: nullable(str()), skippedReason: nullable(enumOf(['COOLDOWN', 'MAX_DEPTH'])),
  depth: int({ minimum: 0 }), durationMs: num, retryOf: nullable(uuid), createdAt: dateTime,
});

const ruleFields: Record<string, Schema> = {
  id: uuid, name: str(), description: str(), isEnabled: bool, priority: int({ description: 'lower runs first' }),
  stopProcessing: bool, cooldownSeconds: int({ minimum: 0 }), scopeCodes: arrayOf(str()), caseTypes: arrayOf(enumOf(CASE_TYPES)),
  actions: arrayOf(ref('RuleAction')), createdAt: dateTime, updatedAt: dateTime,
  warnings: arrayOf(object({ code: enumOf(['LOOP', 'SHADOWED', 'NEVER_MATCHES', 'FAN_OUT']), message: str(), ruleIds: arrayOf(uuid) })),
  pausedAt: nullable(dateTime), pausedReason: nullable(str()),
};
const ruleOptional = ['warnings', 'pausedAt', 'pausedReason'];

const actionInput = { sequence: int({ minimum: 0, description: 'order within the rule; default after the last action' }) };
const ruleInput: Record<string, Schema> = {
  name: str({ minLength: 1, maxLength: 200 }), description: str({ maxLength: 2000 }), isEnabled: bool,
  priority: int({ minimum: 0, default: 100 }), stopProcessing: bool, cooldownSeconds: int({ minimum: 0, default: 300 }),
  scopeCodes: arrayOf(str({ pattern: '^[A-Z][A-Z0-9]{1,9}$' })), caseTypes: arrayOf(enumOf(CASE_TYPES)),
  actions: arrayOf(ref('ActionInput'), { maxItems: 20 }),
};

const revisionSnapshot = { ...freeObject, description: 'the whole rule as it was (a `Rule`), `deleted: true` once deleted' };

export const COMPONENT_SCHEMAS: Record<string, Schema> = {
  ErrorBody: object({
    statusCode: int({ minimum: 400, maximum: 599 }),
    error: str({ example: 'Bad Request' }),
    message: { oneOf: [str(), arrayOf(str())], description: 'one message, or one per invalid field' },
  }, ['error'], { example: { statusCode: 400, error: 'Bad Request', message: ['priority must not be less than 0'] } }),
  User: user,
  UserSummary: object({ id: uuid, name: str(), role: enumOf(ROLES) }, [], { description: 'what non-admins see of other users' }),
  UserList: listOf({ anyOf: [ref('User'), ref('UserSummary')] }),
  LoginResponse: object({ accessToken: str(), user: ref('User') }),
  Health: object({ status: enumOf(['ok']), database: enumOf(['up']), databaseLatencyMs: num, uptimeSeconds: num }),
  HealthLive: object({ status: enumOf(['ok']), uptimeSeconds: num }),
  HealthReady: object({ status: enumOf(['ok']), database: enumOf(['up']), migrations: enumOf(['applied']) }),
  Case: caseView,
  CaseList: listOf(ref('Case')),
  TimelineEntry: object({ id: uuid, caseId: uuid, kind: enumOf(TIMELINE_KINDS), message: str(), actorId: nullable(uuid), ruleId: nullable(uuid), createdAt: dateTime }),
  TimelineList: listOf(ref('TimelineEntry'), 'oldest first'),
  Evidence: object({
    id: uuid, caseId: uuid, filename: str(), mimeType: str(), sizeBytes: int({ minimum: 0 }), sha256: str({ pattern: '^[0-9a-f]{64}$' }),
    uploadedBy: uuid, description: nullable(str()), createdAt: dateTime,
  }),
  EvidenceList: listOf(ref('Evidence')),
  Condition: CONDITION,
  ...discriminated('RuleAction', 'actionType', 'actionConfig', ACTION_CONFIGS, { id: uuid, ruleId: uuid, sequence: int() }),
  ...discriminated('ActionInput', 'actionType', 'actionConfig', ACTION_CONFIGS, actionInput, ['sequence']),
  ...discriminated('Rule', 'triggerType', 'triggerConfig', TRIGGER_CONFIGS, ruleFields, ruleOptional,
    '`triggerConfig` depends on `triggerType`; each action\'s `actionConfig` on its `actionType`.'),
  ...discriminated('RuleInput', 'triggerType', 'triggerConfig', TRIGGER_CONFIGS, ruleInput, Object.keys(ruleInput).filter((k) => k !== 'name'),
    'A new rule. Defaults: isEnabled true, priority 100, stopProcessing false, cooldownSeconds 300, scopeCodes and caseTypes empty (= every case).'),
  ...discriminated('RuleReplacement', 'triggerType', 'triggerConfig', TRIGGER_CONFIGS, ruleInput, Object.keys(ruleInput).filter((k) => !['name', 'actions'].includes(k)),
    'The whole rule and its actions, replacing what is stored (omitted fields take their defaults).'),
  RuleList: listOf(ref('Rule'), 'ordered by priority, then createdAt'),
  RuleExport: object({ format: enumOf(['auditcaseos-rules']), version: { type: 'integer', enum: [1] }, exportedAt: dateTime, rules: arrayOf(ref('RuleInput')) }),
  DryRunResult: object({
    matched: bool, reasons: arrayOf(str()),
    actions: arrayOf(object({ actionType: enumOf(ACTION_TYPES), wouldDo: str() })),
  }, [], { description: 'what the rule would do now; nothing is changed or recorded' }),
  Revision: object({ revision: int({ minimum: 1 }), ruleId: uuid, change: str(), snapshot: revisionSnapshot, changedBy: nullable(uuid), changedAt: dateTime }),
  RevisionList: listOf(ref('Revision'), 'newest first'),
  History: history,
  HistoryList: listOf(ref('History'), 'newest first'),
  WorkflowEvent: object({ id: uuid, name: enumOf(EVENT_NAMES), caseId: uuid, depth: int({ minimum: 0 }), createdAt: dateTime, processedAt: nullable(dateTime) }),
  WorkflowEventList: listOf(ref('WorkflowEvent')),
  Trace: object({
    event: ref('WorkflowEvent'),
    items: arrayOf(object({
      ruleId: uuid, ruleName: str(),
      outcome: enumOf(['RAN', 'NOT_MATCHED', 'DISABLED', 'OUT_OF_SCOPE', 'COOLDOWN', 'MAX_DEPTH', 'STOPPED_BY_PRIORITY']),
      reasons: arrayOf(str()),
    })),
    total: int({ minimum: 0 }),
  }),
  WorkflowMeta: { ...freeObject, description: 'enums, condition fields with their ops, template variables and maxDepth, for rule editors' },
  WorkflowStats: { ...freeObject, description: 'counters for the history dashboard' },
  WorkflowStatsTimeline: object({
    range: enumOf(['24h', '7d']), bucket: enumOf(['hour', 'day']),
    from: { ...dateTime, description: 'start of the first bucket' }, to: { ...dateTime, description: 'end of the last (current, still filling) bucket' },
    runs: arrayOf(object({
      bucketStart: dateTime, runs: int({ minimum: 0, description: 'runs that executed, failed ones included' }),
      failures: int({ minimum: 0 }), skipped: int({ minimum: 0, description: 'COOLDOWN and MAX_DEPTH rows' }),
      avgDurationMs: nullable(num),
    }), { description: 'every bucket of the window in order, empty ones as zeros' }),
    topFailingRules: arrayOf(object({
      ruleId: uuid, ruleName: str(), failures: int({ minimum: 1 }), runs: int({ minimum: 0 }),
      lastFailureAt: { ...dateTime, description: 'start of the latest hour with a failure' },
    }), { maxItems: 10 }),
    backlogIntervalSeconds: int({ minimum: 60 }),
    backlogs: arrayOf(object({
      queue: str({ description: 'outbox (domain events), webhooks and email (deliveries waiting); more queues may appear' }),
      points: arrayOf(object({ bucketStart: dateTime, pending: int({ minimum: 0 }), oldestAgeSeconds: num })),
    })),
  }),
  Notification: notification,
  NotificationPage: object({ items: arrayOf(ref('Notification')), nextCursor: nullable(str({ description: 'pass as ?cursor= for the next page' })) }),
  UnreadCount: object({ count: int({ minimum: 0 }) }),
  MutedRuleList: object({
    items: arrayOf(object({ ruleId: uuid, ruleName: nullable(str({ description: 'as the newest of the caller\'s notifications from the rule named it; null when none is left' })) })),
  }),
  MarkAllReadResult: object({ updated: int({ minimum: 0 }) }),
  AuthProviders: object({
    local: bool, oidc: nullable(object({ label: str() })),
  }),
  DemoAccountList: object({
    items: arrayOf(object({ email: str({ format: 'email' }), password: str(), role: enumOf(ROLES), name: str() }), {
      description: 'empty unless this server loaded demo data (never in production or on a non-loopback HOST); only accounts that still have their demo password',
    }),
  }),
  UserSettings: object({
    theme: enumOf(THEMES), timeFormat: enumOf(TIME_FORMATS),
    timeZone: nullable(str({ description: 'IANA time zone the console shows times in; null: the browser\'s own' })),
  }),
  SetupStatus: object({ required: bool }),
  SetupResult: { ...freeObject, description: 'the first ADMIN was created' },
  TemporaryPassword: object({ temporaryPassword: str() }),
  AuditLogList: listOf(object({
    id: uuid, at: dateTime, actorId: nullable(uuid), actorName: nullable(str()), action: str({ example: 'RULE_UPDATED' }),
    targetType: nullable(str()), targetId: nullable(str()), detail: freeObject, clientAddress: nullable(str()),
  })),
  Backtest: object({
    eventsScanned: int({ minimum: 0, description: 'every event recorded in the window' }),
    eventsMatched: int({ minimum: 0, description: 'events the rule would have fired on (the engine records a history row for each, runs and skips)' }),
    casesAffected: int({ minimum: 0, description: 'distinct cases it would have run on' }),
    actionCounts: { type: 'object', properties: Object.fromEntries(ACTION_TYPES.map((a) => [a, int({ minimum: 0 })])), additionalProperties: false,
      description: 'actions it would have run, by actionType' },
    notificationsByRecipient: arrayOf(object({ userId: uuid, name: str(), count: int({ minimum: 1 }) }), { description: 'most notified first; resolved as of now' }),
    perDay: arrayOf(object({ date: str({ pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$', description: 'UTC day' }), matched: int({ minimum: 0 }) }), { description: 'every UTC day of the window, oldest first' }),
    samples: arrayOf(object({ eventId: uuid, caseId: uuid, caseNumber: str(), at: dateTime, wouldDo: arrayOf(str()) }), { maxItems: 10 }),
    notes: arrayOf(str(), { description: 'what a backtest cannot know' }),
    skipped: object({ cooldown: int({ minimum: 0 }), maxDepth: int({ minimum: 0 }), stoppedByOtherRules: int({ minimum: 0 }) }),
    from: dateTime, to: dateTime, durationMs: int({ minimum: 0 }),
    nextRuns: arrayOf(object({ at: dateTime, casesMatchingNow: int({ minimum: 0 }) }), { minItems: 0, maxItems: 5, description: 'TIME_BASED rules only' }),
  }, ['nextRuns'], { description: 'what the rule would have done over the recorded events of the window; nothing is changed or recorded' }),
  BacktestProgress: object({ progressId: str(), done: int({ minimum: 0 }), total: int({ minimum: 0 }), finished: bool }),
  CronPreview: object({ description: str(), timeZone: str(), next: arrayOf(dateTime, { minItems: 5, maxItems: 5 }) }),
  RuleTemplates: arrayOf(object({ key: str(), name: str(), description: str(), rule: ref('RuleInput') }), {
    minItems: 8, description: 'ready-made rules; each `rule` is a draft (isEnabled false) for POST /workflows/rules',
  }),
  DeadLetter: object({
    id: uuid, eventName: enumOf(EVENT_NAMES), caseId: uuid, caseNumber: nullable(str()), attempts: int({ minimum: 0 }),
    error: nullable(str({ description: 'the last attempt\'s error' })), createdAt: dateTime,
    deadLetteredAt: dateTime, payload: { ...freeObject, description: 'the event as recorded: the case as it was and what changed' },
  }, ['deadLetteredAt', 'payload']),
  DeadLetterList: listOf(ref('DeadLetter'), 'the most recently set aside first'),
  Webhook: object({ id: uuid, name: str(), url: str(), isEnabled: bool, createdAt: dateTime, updatedAt: dateTime }),
  WebhookWithSecret: object({ id: uuid, name: str(), url: str(), isEnabled: bool, createdAt: dateTime, updatedAt: dateTime, secret: str({ description: 'shown once' }) }),
  WebhookList: listOf(ref('Webhook')),
  WebhookSecret: object({ secret: str() }),
  WebhookDeliveryList: listOf(object({
    id: uuid, status: enumOf(['PENDING', 'SUCCEEDED', 'FAILED']), attempts: int(), responseStatus: nullable(int()), durationMs: nullable(num),
    lastError: nullable(str()), createdAt: dateTime, deliveredAt: nullable(dateTime),
  })),
  EmailDeliveryList: listOf(object({
    id: uuid, kind: enumOf(['NOTIFICATION', 'DIGEST']), status: enumOf(EMAIL_DELIVERY_STATUSES), userId: uuid, recipient: str(),
    notificationId: nullable(uuid), notificationCount: int({ minimum: 1 }), subject: str(), messageId: str(), attempts: int({ minimum: 0 }),
    lastError: nullable(str()), createdAt: dateTime, nextAttemptAt: nullable(dateTime), sentAt: nullable(dateTime),
  })),
  EmailDeliverySummary: object({
    configured: bool,
    counts: object(Object.fromEntries(EMAIL_DELIVERY_STATUSES.map((s) => [s, int({ minimum: 0 })]))),
  }),
  NotificationPreferencesView: object({
    minToastPriority: enumOf(NOTIFICATION_PRIORITIES), mutedRuleIds: arrayOf(uuid),
    quietHours: nullable(object({ start: str({ pattern: '^\\d{2}:\\d{2}$' }), end: str({ pattern: '^\\d{2}:\\d{2}$' }), timeZone: str() })),
    email: object({ enabled: bool, minPriority: enumOf(NOTIFICATION_PRIORITIES), onlyWhenOffline: bool, digest: enumOf(['OFF', 'HOURLY', 'DAILY']) }),
    desktop: bool,
  }, ['email']),
};


