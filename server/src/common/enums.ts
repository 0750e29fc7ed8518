/** Enum values of the public contract (CONTRACT §3). */
export const ROLES = ['ADMIN', 'INVESTIGATOR', 'VIEWER'] as const;
export type Role = (typeof ROLES)[number];

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

export const SCOPE_CODE_PATTERN = /^[A-Z][A-Z0-9]{1,9}$/;
