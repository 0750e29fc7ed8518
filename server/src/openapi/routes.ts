/**
 * What each route answers, beyond what the DTO decorators already say about its request: the success
 * status with its schema, and the errors that apply. Keyed by "METHOD /path" as in the OpenAPI document.
 * Errors every route shares are added by complete-document.ts (401 unless public, 400 with input,
 * 404 with a path id, 413/415 with a body, 503 for a database outage).
 */
export interface RouteDoc {
  /** Success status → component schema name, `null` for an empty body, or a media type for non-JSON. */
  ok: Record<number, string | null | { mediaType: string; description: string }>;
  /** Extra error statuses with what causes them. */
  errors?: Record<number, string>;
  public?: boolean;
  /** Roles allowed; anything else gets 403. Absent: any signed-in user. */
  roles?: string[];
  summary?: string;
}

const ADMIN = ['ADMIN'];
const WRITERS = ['ADMIN', 'INVESTIGATOR'];
const NAME_TAKEN = { 409: 'a rule with this name exists' };
/** Every change of a rule accepts If-Match: "<revision>" (the ETag of the rule as read). */
const STALE = { 412: 'If-Match names a revision that is no longer the current one' };

export const ROUTE_DOCS: Record<string, RouteDoc> = {
  'GET /api/v1/health': { public: true, ok: { 200: 'Health' }, summary: 'Ready and the database answers (503 while it does not)' },
  'GET /api/v1/health/live': {
    public: true, ok: { 200: 'HealthLive' }, summary: 'Liveness: the process serves requests (never asks the database)',
    errors: { 503: 'the process is stopping: new requests are refused while it finishes its work' },
  },
  'GET /api/v1/health/ready': { public: true, ok: { 200: 'HealthReady' }, summary: 'Readiness: database reachable and migrations applied (503 otherwise, and while stopping)' },
  'GET /metrics': {
    public: true, ok: { 200: { mediaType: 'text/plain', description: 'Prometheus text format' } },
    errors: { 403: 'not from loopback and no METRICS_TOKEN or ADMIN token' },
  },

  'POST /api/v1/auth/login': {
    public: true, ok: { 200: 'LoginResponse' },
    errors: { 401: 'wrong e-mail or password (the same answer for both)', 429: 'too many failures; see Retry-After' },
  },
  'GET /api/v1/auth/me': { ok: { 200: 'User' } },

  'POST /api/v1/auth/change-password': { ok: { 204: null }, errors: { 400: 'wrong current password, or a weak new one' } },
  'POST /api/v1/auth/logout': { ok: { 204: null } },
  'POST /api/v1/auth/logout-all': { ok: { 204: null } },
  'GET /api/v1/auth/providers': { public: true, ok: { 200: 'AuthProviders' } },
  'GET /api/v1/auth/demo-accounts': { public: true, ok: { 200: 'DemoAccountList' } },
  'GET /api/v1/auth/oidc/login': { public: true, ok: { 302: null }, summary: 'Redirects to the identity provider (OIDC, PKCE)' },
  'GET /api/v1/auth/oidc/callback': { public: true, ok: { 302: null }, summary: 'The provider returns here; signs the user in to the console' },
  'GET /api/v1/setup': { public: true, ok: { 200: 'SetupStatus' }, summary: 'Whether the first-run setup is pending; 404 once a user exists' },
  'POST /api/v1/setup': { public: true, ok: { 201: 'SetupResult' }, summary: 'Creates the first ADMIN with the token of the logged setup link; 404 once a user exists' },

  'GET /api/v1/users': { ok: { 200: 'UserList' }, summary: 'Full users for ADMIN; {id, name, role} of active users for others' },
  'GET /api/v1/users/me/settings': { ok: { 200: 'UserSettings' }, summary: 'The caller\'s console settings: theme, clock and time zone' },
  'PUT /api/v1/users/me/settings': { ok: { 200: 'UserSettings' }, errors: { 400: 'an unknown theme, time format or time zone' }, summary: 'Saves the caller\'s console settings (fields left out stay)' },
  'POST /api/v1/users': { roles: ADMIN, ok: { 201: 'User' }, errors: { 409: 'the e-mail is taken' } },
  'PATCH /api/v1/users/{id}': { roles: ADMIN, ok: { 200: 'User' } },
  'POST /api/v1/users/{id}/reset-password': { roles: ADMIN, ok: { 200: 'TemporaryPassword' } },
  'GET /api/v1/audit-log': { roles: ADMIN, ok: { 200: 'AuditLogList' } },

  'GET /api/v1/cases': { ok: { 200: 'CaseList' } },
  'POST /api/v1/cases': { roles: WRITERS, ok: { 201: 'Case' }, errors: { 403: 'a scope the caller may not see' } },
  'GET /api/v1/cases/{id}': { ok: { 200: 'Case' } },
  'PATCH /api/v1/cases/{id}': { roles: WRITERS, ok: { 200: 'Case' } },
  'GET /api/v1/cases/{id}/timeline': { ok: { 200: 'TimelineList' } },
  'POST /api/v1/cases/{id}/evidence': { roles: WRITERS, ok: { 201: 'Evidence' }, errors: { 413: 'larger than EVIDENCE_MAX_BYTES' } },
  'GET /api/v1/cases/{id}/evidence': { ok: { 200: 'EvidenceList' } },
  'GET /api/v1/evidence/{id}/download': { ok: { 200: { mediaType: '*/*', description: 'the exact bytes uploaded, with their media type and file name' } } },

  'GET /api/v1/workflows/meta': { roles: ADMIN, ok: { 200: 'WorkflowMeta' } },
  'GET /api/v1/workflows/stats': { roles: ADMIN, ok: { 200: 'WorkflowStats' } },
  'GET /api/v1/workflows/stats/timeline': {
    roles: ADMIN, ok: { 200: 'WorkflowStatsTimeline' },
    summary: 'Runs and failures per hour or day, the rules failing most and each queue\'s backlog over the last 24 h or 7 days (from pre-aggregated counters)',
  },
  'GET /api/v1/workflows/rules': { roles: ADMIN, ok: { 200: 'RuleList' } },
  'POST /api/v1/workflows/rules': { roles: ADMIN, ok: { 201: 'Rule' }, errors: NAME_TAKEN },
  'GET /api/v1/workflows/rules/export': { roles: ADMIN, ok: { 200: 'RuleExport' } },
  'POST /api/v1/workflows/rules/import': { roles: ADMIN, ok: { 201: 'RuleList' }, errors: NAME_TAKEN },
  'GET /api/v1/workflows/rules/{id}': { roles: ADMIN, ok: { 200: 'Rule' } },
  'PATCH /api/v1/workflows/rules/{id}': { roles: ADMIN, ok: { 200: 'Rule' }, errors: { ...NAME_TAKEN, ...STALE } },
  'DELETE /api/v1/workflows/rules/{id}': { roles: ADMIN, ok: { 204: null }, errors: STALE, summary: 'Deletes a rule; its history stays' },
  'POST /api/v1/workflows/rules/{id}/toggle': { roles: ADMIN, ok: { 200: 'Rule' }, errors: STALE },
  'POST /api/v1/workflows/rules/{id}/actions': { roles: ADMIN, ok: { 201: 'RuleAction' }, errors: STALE },
  'PATCH /api/v1/workflows/rules/{id}/actions/{actionId}': { roles: ADMIN, ok: { 200: 'RuleAction' }, errors: STALE },
  'DELETE /api/v1/workflows/rules/{id}/actions/{actionId}': { roles: ADMIN, ok: { 204: null }, errors: STALE },
  'POST /api/v1/workflows/rules/{id}/test': { roles: ADMIN, ok: { 200: 'DryRunResult' } },
  'GET /api/v1/workflows/rules/{id}/revisions': { roles: ADMIN, ok: { 200: 'RevisionList' } },
  'POST /api/v1/workflows/rules/{id}/revisions/{revision}/restore': { roles: ADMIN, ok: { 200: 'Rule' }, errors: { ...NAME_TAKEN, ...STALE } },
  'PUT /api/v1/workflows/rules/{id}': {
    roles: ADMIN, ok: { 200: 'Rule' }, errors: { ...NAME_TAKEN, ...STALE }, summary: 'Replaces the rule and its actions in one transaction',
  },
  'POST /api/v1/workflows/rules/test': { roles: ADMIN, ok: { 200: 'DryRunResult' } },
  'POST /api/v1/workflows/rules/backtest': { roles: ADMIN, ok: { 200: 'Backtest' } },
  'POST /api/v1/workflows/rules/{id}/resume': {
    roles: ADMIN, ok: { 200: 'Rule' }, errors: { 409: 'the rule is not paused', ...STALE },
    summary: 'Ends a pause of the circuit breaker: the rule runs again and its failure count restarts at zero',
  },
  'GET /api/v1/workflows/cron-preview': { roles: ADMIN, ok: { 200: 'CronPreview' } },
  'GET /api/v1/workflows/templates': { roles: ADMIN, ok: { 200: 'RuleTemplates' }, summary: 'Ready-made rules; each `rule` is a body for POST /workflows/rules' },
  'GET /api/v1/workflows/dead-letters': { roles: ADMIN, ok: { 200: 'DeadLetterList' }, summary: 'Events set aside after their last attempt, newest first' },
  'POST /api/v1/workflows/dead-letters/{id}/retry': {
    roles: ADMIN, ok: { 200: 'DeadLetter' }, summary: 'Sends the event back for processing with fresh attempts; its rules run once',
  },
  'POST /api/v1/workflows/dead-letters/{id}/dismiss': { roles: ADMIN, ok: { 200: 'DeadLetter' }, summary: 'Closes the dead letter without processing the event' },
  'GET /api/v1/workflows/history': { roles: ADMIN, ok: { 200: 'HistoryList' } },
  'GET /api/v1/workflows/history/export': { roles: ADMIN, ok: { 200: { mediaType: 'text/csv', description: 'every matching row' } } },
  'POST /api/v1/workflows/history/{id}/retry': { roles: ADMIN, ok: { 201: 'History' }, errors: { 409: 'the run succeeded' } },
  'GET /api/v1/workflows/events': { roles: ADMIN, ok: { 200: 'WorkflowEventList' } },
  'GET /api/v1/workflows/events/{id}/trace': { roles: ADMIN, ok: { 200: 'Trace' } },

  'GET /api/v1/notifications': { ok: { 200: 'NotificationPage' } },
  'GET /api/v1/notifications/unread-count': { ok: { 200: 'UnreadCount' } },
  'GET /api/v1/notifications/preferences': { ok: { 200: 'NotificationPreferencesView' } },
  'PUT /api/v1/notifications/preferences': { ok: { 200: 'NotificationPreferencesView' } },
  'GET /api/v1/notifications/muted-rules': { ok: { 200: 'MutedRuleList' } },
  'PATCH /api/v1/notifications/{id}/read': { ok: { 200: 'Notification' } },
  'POST /api/v1/notifications/mark-all-read': { ok: { 200: 'MarkAllReadResult' } },

  'GET /api/v1/webhooks': { roles: ADMIN, ok: { 200: 'WebhookList' } },
  'POST /api/v1/webhooks': { roles: ADMIN, ok: { 201: 'WebhookWithSecret' }, errors: { 400: 'invalid input, or a URL that resolves to a private address' } },
  'GET /api/v1/webhooks/{id}': { roles: ADMIN, ok: { 200: 'Webhook' } },
  'PATCH /api/v1/webhooks/{id}': { roles: ADMIN, ok: { 200: 'Webhook' } },
  'DELETE /api/v1/webhooks/{id}': { roles: ADMIN, ok: { 204: null } },
  'POST /api/v1/webhooks/{id}/rotate-secret': { roles: ADMIN, ok: { 200: 'WebhookSecret' } },
  'GET /api/v1/webhooks/{id}/deliveries': { roles: ADMIN, ok: { 200: 'WebhookDeliveryList' } },
  'POST /api/v1/webhook-deliveries/{id}/redeliver': { roles: ADMIN, ok: { 202: null } },

  'GET /api/v1/email-deliveries': { roles: ADMIN, ok: { 200: 'EmailDeliveryList' }, summary: 'Queued e-mails, newest first: status, attempts, last error' },
  'POST /api/v1/email-deliveries/{id}/resend': {
    roles: ADMIN, ok: { 202: null }, summary: 'Send a FAILED, UNCERTAIN or SKIPPED mail again (same Message-ID, fresh retry window)',
    errors: { 409: 'the mail is PENDING, SENDING or SENT' },
  },
  'GET /api/v1/email-deliveries/summary': { roles: ADMIN, ok: { 200: 'EmailDeliverySummary' }, summary: 'Whether SMTP is configured, and mails per status' },
};
