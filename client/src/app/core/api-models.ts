/** Where the HTTP API lives; its shapes come from the shared contract (contracts/ at the repository root). */
export const API_BASE = '/api/v1';

// The workflows feature still imports these from here; new code imports contracts/ directly.
export type { ListResult as ListResponse } from '../../../../contracts/api';
export {
  CASE_STATUSES, CASE_TYPES, EVENT_NAMES, NOTIFICATION_PRIORITIES, ROLES, SEVERITIES,
  type CaseStatus, type CaseType, type EventName, type NotificationPriority, type Role, type Severity,
} from '../../../../contracts/enums';
