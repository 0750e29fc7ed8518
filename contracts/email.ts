import type { NotificationPriority } from './enums';

export const EMAIL_DIGESTS = ['OFF', 'HOURLY', 'DAILY'] as const;
/** How the notifications below `minPriority` are mailed: not at all, or gathered into one mail an hour / a day. */
export type EmailDigest = (typeof EMAIL_DIGESTS)[number];

/** The `email` part of `GET/PUT /notifications/preferences`. */
export interface EmailPreferences {
  /** false: no e-mail at all (neither single mails nor digests). */
  enabled: boolean;
  /** Notifications at or above this priority are mailed one by one, right after they are created. */
  minPriority: NotificationPriority;
  /** true: a notification is mailed only when the user has no console open (no connected socket) at that moment. */
  onlyWhenOffline: boolean;
  digest: EmailDigest;
}

/** What a user who never chose gets: URGENT and HIGH by mail, whether or not a console is open, no digest. */
export const DEFAULT_EMAIL_PREFERENCES: EmailPreferences = { enabled: true, minPriority: 'HIGH', onlyWhenOffline: false, digest: 'OFF' };

export const EMAIL_DELIVERY_STATUSES = ['PENDING', 'SENDING', 'SENT', 'FAILED', 'UNCERTAIN', 'SKIPPED'] as const;
/**
 * PENDING: queued or waiting for a retry; SENDING: the SMTP conversation is under way; SENT: the mail server accepted
 * it; FAILED: refused for good (5xx) or retried past the retry window; UNCERTAIN: the process stopped in the middle
 * of the conversation, so it is not known whether the server took it, and it is not sent again (at most once);
 * SKIPPED: onlyWhenOffline and the user had the console open.
 */
export type EmailDeliveryStatus = (typeof EMAIL_DELIVERY_STATUSES)[number];

/** One row of `GET /email-deliveries` (ADMIN). */
export interface EmailDeliveryView {
  id: string;
  kind: 'NOTIFICATION' | 'DIGEST';
  status: EmailDeliveryStatus;
  userId: string;
  recipient: string;
  /** The notification mailed (kind NOTIFICATION); null for a digest. */
  notificationId: string | null;
  /** How many notifications the mail carries (1, or a digest's count). */
  notificationCount: number;
  subject: string;
  /** The mail's Message-ID header, the same on every attempt. */
  messageId: string;
  attempts: number;
  lastError: string | null;
  createdAt: string;
  nextAttemptAt: string | null;
  sentAt: string | null;
}

/** `GET /email-deliveries/summary` (ADMIN): whether mail is configured and how many mails are in each state. */
export interface EmailDeliverySummary {
  configured: boolean;
  counts: Record<EmailDeliveryStatus, number>;
}
