/** Shapes shared by every feature, straight from the public contract (CONTRACT.md §2–§4). */

export const API_BASE = '/api/v1';

export const ROLES = ['ADMIN', 'INVESTIGATOR', 'VIEWER'] as const;
export type Role = (typeof ROLES)[number];

export const CASE_STATUSES = ['OPEN', 'IN_PROGRESS', 'UNDER_REVIEW', 'CLOSED', 'ARCHIVED'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

export const CASE_TYPES = ['AUDIT', 'INVESTIGATION', 'COMPLIANCE', 'INCIDENT'] as const;
export type CaseType = (typeof CASE_TYPES)[number];

export const SEVERITIES = ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const NOTIFICATION_PRIORITIES = ['LOW', 'NORMAL', 'HIGH', 'URGENT'] as const;
export type NotificationPriority = (typeof NOTIFICATION_PRIORITIES)[number];

export const EVENT_NAMES = [
  'case.created',
  'case.updated',
  'case.status_changed',
  'case.assigned',
  'case.tagged',
  'evidence.uploaded',
] as const;
export type EventName = (typeof EVENT_NAMES)[number];

export interface User {
  id: string;
  email: string;
  name: string;
  role: Role;
  isActive: boolean;
  scopeCodes: string[];
  createdAt: string;
}

/** Every list endpoint except notifications answers this. */
export interface ListResponse<T> {
  items: T[];
  total: number;
}

/** The server's error body. */
export interface ApiErrorBody {
  statusCode: number;
  error?: string;
  message: string | string[];
}
