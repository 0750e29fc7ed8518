/**
 * Response shapes of the HTTP API (CONTRACT §2, §4, §5, §7, §9), compiled by both the server and the
 * console: a field renamed on the server breaks the console's build instead of its users. Types only;
 * the server validates request bodies with its own class-validator DTOs. Workflow shapes live in
 * workflows.ts.
 */
import type { AuditAction, AuthProvider, CaseStatus, CaseType, NotificationPriority, Role, Severity, TimelineKind } from './enums';

/** Every list except notifications (cursor) and the case timeline/evidence lists answers this. */
export interface ListResult<T> {
  items: T[];
  total: number;
}

/** The error body of every 4xx/5xx answer. */
export interface ApiErrorBody {
  statusCode: number;
  error?: string;
  message: string | string[];
}

/** `GET /health`, 200 when the database answers. */
export interface HealthStatus {
  status: 'ok';
  database: 'up';
  databaseLatencyMs: number;
  uptimeSeconds: number;
}

/** `user` (CONTRACT §4): never a password hash. */
export interface UserView {
  id: string;
  email: string;
  name: string;
  role: Role;
  isActive: boolean;
  /** Case scopes a non-admin may see; empty means all. */
  scopeCodes: string[];
  createdAt: string;
  /** Set by an admin's password reset: until changed, the token only reaches auth/me, change-password and logout. */
  mustChangePassword: boolean;
  /** null until the first sign-in. */
  lastLoginAt: string | null;
  authProvider: AuthProvider;
}

/** `GET /users` as a non-admin sees it (assignee pickers): active users only, no e-mails. */
export interface UserSummary {
  id: string;
  name: string;
  role: Role;
}

/** `POST /users/:id/reset-password`: shown once, the user must change it at the next sign-in. */
export interface TemporaryPasswordView {
  temporaryPassword: string;
}

/** `GET /setup` while the first admin is still to be created (404 afterwards). */
export interface SetupStatus {
  required: true;
}

/** One entry of `GET /audit-log` (CONTRACT §10). */
export interface AuditEntryView {
  id: string;
  at: string;
  actorId: string | null;
  actorName: string | null;
  action: AuditAction;
  targetType: string | null;
  targetId: string | null;
  detail: Record<string, unknown>;
  clientAddress: string | null;
}

/** `POST /auth/login`. */
export interface LoginResponse {
  accessToken: string;
  user: UserView;
}

/** `case` (CONTRACT §5). */
export interface CaseView {
  id: string;
  caseNumber: string;
  title: string;
  description: string;
  status: CaseStatus;
  caseType: CaseType;
  scopeCode: string;
  severity: Severity;
  assigneeId: string | null;
  ownerId: string | null;
  tags: string[];
  dueDate: string | null;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
}

/** `POST /cases` body. */
export interface CreateCaseRequest {
  title: string;
  description?: string;
  caseType: CaseType;
  scopeCode: string;
  severity?: Severity;
  assigneeId?: string | null;
  tags?: string[];
  dueDate?: string | null;
}

/** `PATCH /cases/:id` body: any of these; null clears assigneeId or dueDate (elsewhere it is a 400). */
export interface UpdateCaseRequest {
  title?: string;
  description?: string;
  status?: CaseStatus;
  severity?: Severity;
  assigneeId?: string | null;
  tags?: string[];
  dueDate?: string | null;
}

/** One entry of `GET /cases/:id/timeline`, oldest first. */
export interface TimelineView {
  id: string;
  caseId: string;
  kind: TimelineKind;
  message: string;
  actorId: string | null;
  ruleId: string | null;
  createdAt: string;
}

/** Evidence metadata (`POST /cases/:id/evidence`, `GET /cases/:id/evidence`). */
export interface EvidenceView {
  id: string;
  caseId: string;
  filename: string;
  mimeType: string;
  sizeBytes: number;
  sha256: string;
  uploadedBy: string;
  description: string | null;
  createdAt: string;
}

/** `notification` (CONTRACT §7). */
export interface NotificationView {
  id: string;
  userId: string;
  title: string;
  message: string;
  priority: NotificationPriority;
  entityType: string | null;
  entityId: string | null;
  linkUrl: string | null;
  isRead: boolean;
  createdAt: string;
  readAt: string | null;
}

/** `GET /notifications`: keyset pages, newest first. */
export interface NotificationPage {
  items: NotificationView[];
  nextCursor: string | null;
}

/** `GET /notifications/unread-count`, and the `notifications:unread-count` socket event. */
export interface UnreadCount {
  count: number;
}

/** `POST /notifications/mark-all-read`. */
export interface MarkAllReadResult {
  updated: number;
}

export interface QuietHours {
  /** HH:MM, wall clock of `timeZone`. */
  start: string;
  end: string;
  /** IANA name. */
  timeZone: string;
}

/** `GET/PUT /notifications/preferences`: what pops up as a toast (everything is stored and counted). */
export interface NotificationPreferences {
  minToastPriority: NotificationPriority;
  mutedRuleIds: string[];
  quietHours: QuietHours | null;
}
