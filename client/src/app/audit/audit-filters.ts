import { endOfDayInZone, startOfDayInZone } from '../core/date-time-format';

/** The audit log's filters as GET /audit-log query parameters (empty ones left out; dates as whole days in `timeZone`). */
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

export function auditQueryParams(filter: AuditFilter, window: { limit: number; offset: number }, timeZone = 'UTC'): Record<string, string> {
  const params: Record<string, string> = { limit: String(window.limit), offset: String(window.offset) };
  if (filter.actorId) params['actorId'] = filter.actorId;
  if (filter.action) params['action'] = filter.action;
  if (UUID.test(filter.targetId.trim())) params['targetId'] = filter.targetId.trim();
  const [from, to] = [filter.from, filter.to].map((day) => (DAY.test(day) ? day.split('-').map(Number) : null));
  if (from) params['from'] = startOfDayInZone(from[0], from[1] - 1, from[2], timeZone);
  // "to" names a whole day: everything before the next midnight.
  if (to) params['to'] = endOfDayInZone(to[0], to[1] - 1, to[2], timeZone);
  return params;
}

/** Where an entry's target lives in the console, when it has a page. */
export function targetLink(targetType: string | null, targetId: string | null): string | null {
  if (!targetId) return null;
  if (targetType === 'RULE') return `/workflows/rules/${targetId}`;
  if (targetType === 'USER') return '/users';
  return null;
}
