/**
 * Enum values of the public API, compiled by both the server and the console: a value renamed here
 * breaks both builds instead of one end's users.
 */
export const ROLES = ['ADMIN', 'INVESTIGATOR', 'VIEWER'] as const;
export type Role = (typeof ROLES)[number];

/** How a user signs in (CONTRACT §10). */
export const AUTH_PROVIDERS = ['LOCAL', 'OIDC'] as const;
export type AuthProvider = (typeof AUTH_PROVIDERS)[number];

/** What the audit log records (CONTRACT §10). */
export const AUDIT_ACTIONS = [
  'LOGIN_SUCCEEDED', 'LOGIN_FAILED', 'LOGOUT', 'PASSWORD_CHANGED', 'PASSWORD_RESET', 'USER_CREATED', 'USER_UPDATED',
  'RULE_CREATED', 'RULE_UPDATED', 'RULE_DELETED', 'RULE_TOGGLED', 'RULE_RESTORED', 'RULES_IMPORTED', 'WEBHOOK_CHANGED',
  'RULE_PAUSED', 'RULE_RESUMED', 'DEAD_LETTER_RETRIED', 'DEAD_LETTER_DISMISSED',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export const CASE_STATUSES = ['OPEN', 'IN_PROGRESS', 'UNDER_REVIEW', 'CLOSED', 'ARCHIVED'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

export const CASE_TYPES = ['AUDIT', 'INVESTIGATION', 'COMPLIANCE', 'INCIDENT'] as const;
export type CaseType = (typeof CASE_TYPES)[number];

export const SEVERITIES = ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const TIMELINE_KINDS = ['CREATED', 'STATUS_CHANGE', 'ASSIGNMENT', 'TAG', 'EVIDENCE', 'COMMENT', 'WORKFLOW'] as const;
export type TimelineKind = (typeof TIMELINE_KINDS)[number];

export const NOTIFICATION_PRIORITIES = ['LOW', 'NORMAL', 'HIGH', 'URGENT'] as const;
export type NotificationPriority = (typeof NOTIFICATION_PRIORITIES)[number];

/** Names of the internal bus's events, also usable in EVENT triggers. */
export const EVENT_NAMES = [
  'case.created', 'case.updated', 'case.status_changed', 'case.assigned', 'case.tagged', 'evidence.uploaded',
] as const;
export type EventName = (typeof EVENT_NAMES)[number];

export const TRIGGER_TYPES = ['STATUS_CHANGE', 'TIME_BASED', 'EVENT', 'CONDITION'] as const;
export type TriggerType = (typeof TRIGGER_TYPES)[number];

export const ACTION_TYPES = ['CHANGE_STATUS', 'ASSIGN_USER', 'ADD_TAG', 'SEND_NOTIFICATION', 'CREATE_TIMELINE', 'CALL_WEBHOOK'] as const;
export type ActionType = (typeof ACTION_TYPES)[number];

export const SCOPE_CODE_PATTERN = /^[A-Z][A-Z0-9]{1,9}$/;

/** Console colour theme; `system` follows the operating system's light or dark preference. */
export const THEMES = ['light', 'dark', 'system'] as const;
export type Theme = (typeof THEMES)[number];

export const TIME_FORMATS = ['24h', '12h'] as const;
export type TimeFormat = (typeof TIME_FORMATS)[number];
