/** The audit log's filters as GET /audit-log query parameters (empty ones left out; dates as whole UTC days). */
export interface AuditFilter {
  actorId: string;
  action: string;
  targetId: string;
  /** yyyy-mm-dd, inclusive. */
  from: string;
  to: string;
}

export const EMPTY_AUDIT_FILTER: AuditFilter = { actorId: '', action: '', targetId: '', from: '', to: '' };

export const AUDIT_ACTIONS = [
  'LOGIN_SUCCEEDED', 'LOGIN_FAILED', 'LOGOUT', 'PASSWORD_CHANGED', 'PASSWORD_RESET', 'USER_CREATED', 'USER_UPDATED',
  'RULE_CREATED', 'RULE_UPDATED', 'RULE_DELETED', 'RULE_TOGGLED', 'RULE_RESTORED', 'RULES_IMPORTED', 'WEBHOOK_CHANGED',
  'RULE_PAUSED', 'RULE_RESUMED', 'DEAD_LETTER_RETRIED', 'DEAD_LETTER_DISMISSED',
] as const;

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function auditQueryParams(filter: AuditFilter, window: { limit: number; offset: number }): Record<string, string> {
  const params: Record<string, string> = { limit: String(window.limit), offset: String(window.offset) };
  if (filter.actorId) params['actorId'] = filter.actorId;
  if (filter.action) params['action'] = filter.action;
  if (UUID.test(filter.targetId.trim())) params['targetId'] = filter.targetId.trim();
  if (DAY.test(filter.from)) params['from'] = `${filter.from}T00:00:00.000Z`;
  // "to" names a whole day: everything before the next midnight.
  if (DAY.test(filter.to)) params['to'] = new Date(Date.parse(`${filter.to}T00:00:00.000Z`) + 86_400_000 - 1).toISOString();
  return params;
}

/** Where an entry's target lives in the console, when it has a page. */
export function targetLink(targetType: string | null, targetId: string | null): string | null {
  if (!targetId) return null;
  if (targetType === 'RULE') return `/workflows/rules/${targetId}`;
  if (targetType === 'USER') return '/users';
  return null;
}
