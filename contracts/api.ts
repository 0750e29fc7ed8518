/**
 * Response shapes of the HTTP API (CONTRACT §2, §4, §5, §7, §9), compiled by both the server and the
 * console: a field renamed on the server breaks the console's build instead of its users. Types only;
 * the server validates request bodies with its own class-validator DTOs. Workflow shapes live in
 * workflows.ts.
 */
import type { AuditAction, AuthProvider, CaseStatus, CaseType, NotificationPriority, Role, Severity, Theme, TimeFormat, TimelineKind } from './enums';
import type { EmailPreferences } from './email';

/** Every list except notifications (cursor) and the case timeline/evidence lists answers this. */
export interface ListResult<T> {
  items: T[];
  /** Exact up to 10,000; above that 10,000 with `totalIsLowerBound` (the console shows "10,000+"). */
  total: number;
  totalIsLowerBound?: boolean;
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
  /** §10: true after an admin reset the password, until the user changes it. */
  mustChangePassword?: boolean;
  /** §10: null until the first sign-in. */
  lastLoginAt?: string | null;
  /** §10: LOCAL (password) or OIDC (single sign-on). */
  authProvider?: AuthProvider;
}

/** `GET /users` as a non-admin sees it (assignee pickers): active users only, no e-mails. */
export interface UserSummary {
  id: string;
  name: string;
  role: Role;
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
  /** The rule that sent it; null when no rule did (§11). */
  ruleId: string | null;
  /** That rule's name when it sent the notification (a later rename does not change it). */
  ruleName: string | null;
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
  /** E-mail (§11). Optional in a PUT: left out, the saved choice stays. */
  email: EmailPreferences;
  /**
   * Desktop notifications (the browser's Notification API) for HIGH and URGENT ones while the console tab is
   * hidden. Optional on PUT: left out, the saved choice stays.
   */
  desktop: boolean;
}

/** `GET /notifications/muted-rules`: the caller's muted rules, named as their notifications last named them. */
export interface MutedRule {
  ruleId: string;
  /** null when none of the caller's notifications came from that rule any more (read ones are deleted after a while). */
  ruleName: string | null;
}

// ---- Accounts and access (CONTRACT §10) ----

/** `GET /auth/providers` (public): which sign-in the login page offers. */
export interface AuthProviders {
  /** false: password sign-in is off for everyone but the setup admin (OIDC_LOCAL_LOGIN=false). */
  local: boolean;
  oidc: { label: string } | null;
}

/**
 * `GET /auth/demo-accounts` (public): the demo accounts the login page lists, only while this server loaded demo data
 * (never in production or on a non-loopback HOST) and only those that still have their published demo password.
 */
export interface DemoAccountList {
  items: DemoAccount[];
}

export interface DemoAccount {
  email: string;
  password: string;
  role: Role;
  name: string;
}

/** `GET/PUT /users/me/settings`: how the console shows itself to this user. */
export interface UserSettings {
  theme: Theme;
  timeFormat: TimeFormat;
  /** IANA zone the console shows times in; null: the browser's own. */
  timeZone: string | null;
}

/** `GET /setup` while the first admin is still to be created (404 afterwards). */
export interface SetupStatus {
  required: true;
}

/** `POST /setup`. */
export interface SetupRequest {
  token: string;
  email: string;
  name: string;
  password: string;
}

/** `POST /auth/change-password`. */
export interface ChangePasswordRequest {
  currentPassword: string;
  newPassword: string;
}

/** `POST /users/:id/reset-password`. */
export interface ResetPasswordResponse {
  temporaryPassword: string;
}

/** One entry of `GET /audit-log`. */
export interface AuditEntry {
  id: string;
  at: string;
  actorId: string | null;
  actorName: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  detail: Record<string, unknown> | null;
  clientAddress: string | null;
}
