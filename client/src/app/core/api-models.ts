/** Shapes shared by every feature, straight from the public contract (CONTRACT.md §2–§4). */

export const API_BASE = '/api/v1';

export {
  CASE_STATUSES, CASE_TYPES, EVENT_NAMES, NOTIFICATION_PRIORITIES, ROLES, SEVERITIES,
  type CaseStatus, type CaseType, type EventName, type NotificationPriority, type Role, type Severity,
} from '../../../../contracts/enums';
import type { Role } from '../../../../contracts/enums';

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
