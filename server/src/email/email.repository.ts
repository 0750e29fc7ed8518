import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { EmailDeliveryStatus, EmailDeliveryView } from '../../../contracts/email';
import type { ListResult } from '../../../contracts/api';
import { cappedTotal, EXACT_TOTAL_LIMIT } from '../common/list';
import { managerOf, type Executor } from '../database/executor';
import type { UnitOfWork } from '../database/unit-of-work';
import type { MailItem } from './email-content';

/** A mail to queue (rendered already). */
export interface MailDraft {
  id: string; kind: 'NOTIFICATION' | 'DIGEST'; userId: string; recipient: string; notificationId: string | null; notificationCount: number;
  onlyWhenOffline: boolean; messageId: string; subject: string; text: string; html: string;
}

/** A mail as the worker claims it. */
export interface ClaimedMail {
  id: string; userId: string; recipient: string; onlyWhenOffline: boolean; messageId: string; subject: string; text: string; html: string;
  attempts: number; retryFrom: Date; leaseToken: string;
}

/** A notification waiting for its user's digest. */
export interface DigestItem { notificationId: string; userId: string; item: MailItem }

interface DeliveryRow {
  id: string; kind: 'NOTIFICATION' | 'DIGEST'; status: EmailDeliveryStatus; user_id: string; recipient: string; notification_id: string | null;
  notification_count: number; subject: string; message_id: string; attempts: number; last_error: string | null; created_at: Date;
  next_attempt_at: Date; sent_at: Date | null;
}

function toView(r: DeliveryRow): EmailDeliveryView {
  return {
    id: r.id, kind: r.kind, status: r.status, userId: r.user_id, recipient: r.recipient, notificationId: r.notification_id,
    notificationCount: r.notification_count, subject: r.subject, messageId: r.message_id, attempts: r.attempts, lastError: r.last_error,
    createdAt: r.created_at.toISOString(), nextAttemptAt: r.status === 'PENDING' ? r.next_attempt_at.toISOString() : null,
    sentAt: r.sent_at ? r.sent_at.toISOString() : null,
  };
}

/** Digests are gathered by one process at a time (a transaction-scoped advisory lock). */
const DIGEST_LOCK = 7_150_611;

/** Every statement on `email_deliveries` and `email_digest_items`. */
@Injectable()
export class EmailRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Queues mails in the caller's transaction; a notification already queued is not queued again. */
  async queue(uow: UnitOfWork, mails: MailDraft[]): Promise<void> {
    if (!mails.length) return;
    const col = <K extends keyof MailDraft>(k: K) => mails.map((m) => m[k]);
    await uow.manager.query(
      `INSERT INTO email_deliveries (id, kind, user_id, recipient, notification_id, notification_count, only_when_offline, message_id, subject, body_text, body_html)
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::uuid[], $4::text[], $5::uuid[], $6::int[], $7::boolean[], $8::text[], $9::text[], $10::text[], $11::text[])
       ON CONFLICT (notification_id) WHERE kind = 'NOTIFICATION' DO NOTHING`,
      [col('id'), col('kind'), col('userId'), col('recipient'), col('notificationId'), col('notificationCount'), col('onlyWhenOffline'),
        col('messageId'), col('subject'), col('text'), col('html')]);
  }

  /** Puts notifications aside for their users' digests, in the caller's transaction. */
  async queueDigestItems(uow: UnitOfWork, items: Array<DigestItem & { digest: 'HOURLY' | 'DAILY' }>): Promise<void> {
    if (!items.length) return;
    await uow.manager.query(
      `INSERT INTO email_digest_items (notification_id, user_id, digest, item)
       SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::jsonb[]) ON CONFLICT DO NOTHING`,
      [items.map((i) => i.notificationId), items.map((i) => i.userId), items.map((i) => i.digest), items.map((i) => JSON.stringify(i.item))]);
  }

  /** A user's waiting digest items follow their new choice: moved to another frequency, or dropped (null). */
  async retargetWaitingDigestItems(userId: string, digest: 'HOURLY' | 'DAILY' | null): Promise<void> {
    if (digest) {
      await this.dataSource.query(`UPDATE email_digest_items SET digest = $2 WHERE user_id = $1 AND delivery_id IS NULL AND digest <> $2`, [userId, digest]);
    } else {
      await this.dataSource.query(`DELETE FROM email_digest_items WHERE user_id = $1 AND delivery_id IS NULL`, [userId]);
    }
  }

  /** Takes the digest lock for the caller's transaction; false when another process is gathering digests. */
  async tryDigestLock(uow: UnitOfWork): Promise<boolean> {
    const [{ locked }] = await uow.manager.query(`SELECT pg_try_advisory_xact_lock($1) AS locked`, [DIGEST_LOCK]);
    return locked;
  }

  /** The waiting items of one digest frequency, locked for the caller's transaction, oldest first per user. */
  async waitingDigestItems(uow: UnitOfWork, digest: 'HOURLY' | 'DAILY', limit: number): Promise<DigestItem[]> {
    const rows: Array<{ notification_id: string; user_id: string; item: MailItem }> = await uow.manager.query(
      `SELECT notification_id, user_id, item FROM email_digest_items WHERE delivery_id IS NULL AND digest = $1
        ORDER BY user_id, created_at, notification_id LIMIT $2 FOR UPDATE SKIP LOCKED`, [digest, limit]);
    return rows.map((r) => ({ notificationId: r.notification_id, userId: r.user_id, item: r.item }));
  }

  /** Marks digest items as taken by their digest mails, and deletes the `dropped` ones (their user gets no mail any more). */
  async markDigested(uow: UnitOfWork, taken: Array<{ notificationId: string; deliveryId: string }>, dropped: string[]): Promise<void> {
    if (taken.length) {
      await uow.manager.query(
        `UPDATE email_digest_items d SET delivery_id = t.delivery_id
           FROM unnest($1::uuid[], $2::uuid[]) AS t(notification_id, delivery_id) WHERE d.notification_id = t.notification_id`,
        [taken.map((t) => t.notificationId), taken.map((t) => t.deliveryId)]);
    }
    if (dropped.length) await uow.manager.query(`DELETE FROM email_digest_items WHERE notification_id = ANY($1::uuid[])`, [dropped]);
  }

  /**
   * A mail whose process died after it marked it SENDING may have reached the mail server: it becomes UNCERTAIN and
   * is never sent again (at most once). Returns how many.
   */
  async settleAbandoned(): Promise<number> {
    const [, n] = await this.dataSource.query(
      `UPDATE email_deliveries SET status = 'UNCERTAIN', lease_until = NULL, lease_token = NULL,
              last_error = 'the sending process stopped during the SMTP conversation: the mail may or may not have arrived, and is not sent again'
        WHERE status = 'SENDING' AND lease_until < clock_timestamp()`);
    return Number(n);
  }

  /**
   * Claims up to `limit` due mails as a lease until `leaseMs` from now, committed at once: SKIP LOCKED keeps
   * concurrent workers apart while the claim runs, the lease while the mail is sent. A claimed mail stays PENDING
   * until the SMTP conversation about it begins, so a worker that dies before that leaves a lease that simply expires.
   */
  async claim(limit: number, leaseMs: number, leaseToken: string): Promise<ClaimedMail[]> {
    const [rows]: [Array<{ id: string; user_id: string; recipient: string; only_when_offline: boolean; message_id: string; subject: string;
      body_text: string; body_html: string; attempts: number; retry_from: Date }>] = await this.dataSource.query(
      `UPDATE email_deliveries d
          SET lease_until = clock_timestamp() + make_interval(secs => $2::float8 / 1000), lease_token = $3, attempts = d.attempts + 1
         FROM (SELECT id FROM email_deliveries
                WHERE status = 'PENDING' AND next_attempt_at <= clock_timestamp() AND (lease_until IS NULL OR lease_until < clock_timestamp())
                ORDER BY next_attempt_at LIMIT $1 FOR UPDATE SKIP LOCKED) due
        WHERE d.id = due.id
        RETURNING d.id, d.user_id, d.recipient, d.only_when_offline, d.message_id, d.subject, d.body_text, d.body_html, d.attempts, d.retry_from`,
      [limit, leaseMs, leaseToken]);
    return rows.map((r) => ({
      id: r.id, userId: r.user_id, recipient: r.recipient, onlyWhenOffline: r.only_when_offline, messageId: r.message_id, subject: r.subject,
      text: r.body_text, html: r.body_html, attempts: r.attempts, retryFrom: r.retry_from, leaseToken,
    }));
  }

  /**
   * An admin's resend of a mail that did not (certainly) arrive: back to PENDING, due now, with a fresh retry window
   * (same id and Message-ID). Returns the status it had (null: no such mail); only FAILED, UNCERTAIN and SKIPPED move.
   */
  async requeue(id: string): Promise<EmailDeliveryStatus | null> {
    const rows: Array<{ status: EmailDeliveryStatus }> = await this.dataSource.query(
      `WITH before AS (SELECT id, status FROM email_deliveries WHERE id = $1 FOR UPDATE),
            moved AS (
              UPDATE email_deliveries d SET status = 'PENDING', next_attempt_at = clock_timestamp(), retry_from = clock_timestamp(),
                     lease_until = NULL, lease_token = NULL
                FROM before WHERE d.id = before.id AND before.status IN ('FAILED', 'UNCERTAIN', 'SKIPPED') RETURNING d.id)
       SELECT before.status, (SELECT count(*) FROM moved) AS moved FROM before`, [id]);
    return rows[0]?.status ?? null;
  }

  /** PENDING → SENDING, committed before the SMTP conversation begins; false when this worker no longer holds the claim. */
  async markSending(id: string, leaseToken: string): Promise<boolean> {
    const [, n] = await this.dataSource.query(
      `UPDATE email_deliveries SET status = 'SENDING' WHERE id = $1 AND lease_token = $2 AND status = 'PENDING'`, [id, leaseToken]);
    return Number(n) > 0;
  }

  /** Records an attempt's outcome, if this worker still holds the claim. `retryInMs` is only used with PENDING. */
  async record(id: string, leaseToken: string, result: { status: EmailDeliveryStatus; lastError: string | null; retryInMs: number | null }): Promise<boolean> {
    const [, n] = await this.dataSource.query(
      `UPDATE email_deliveries
          SET status = $3, last_error = COALESCE($4, last_error),
              sent_at = CASE WHEN $3 = 'SENT' THEN clock_timestamp() ELSE sent_at END,
              next_attempt_at = CASE WHEN $5::float8 IS NULL THEN next_attempt_at ELSE clock_timestamp() + make_interval(secs => $5::float8 / 1000) END,
              lease_until = NULL, lease_token = NULL
        WHERE id = $1 AND lease_token = $2`,
      [id, leaseToken, result.status, result.lastError, result.retryInMs]);
    return Number(n) > 0;
  }

  /** When the next mail falls due: a retry, an expired claim, or an abandoned SENDING row to settle (null: none). */
  async nextDue(): Promise<Date | null> {
    const [row] = await this.dataSource.query(
      `SELECT min(due) AS due FROM (
         SELECT min(GREATEST(next_attempt_at, COALESCE(lease_until, next_attempt_at))) AS due FROM email_deliveries WHERE status = 'PENDING'
         UNION ALL SELECT min(lease_until) FROM email_deliveries WHERE status = 'SENDING') d`);
    return row?.due ?? null;
  }

  /** A page of the log, newest first, and its count (exact up to EXACT_TOTAL_LIMIT, then a lower bound). */
  async list(filter: { status?: EmailDeliveryStatus; userId?: string }, limit: number, offset: number): Promise<ListResult<EmailDeliveryView>> {
    const where = `($1::text IS NULL OR status = $1) AND ($2::uuid IS NULL OR user_id = $2)`;
    const params = [filter.status ?? null, filter.userId ?? null];
    const [rows, [{ n }]] = await Promise.all([
      this.dataSource.query(
        `SELECT id, kind, status, user_id, recipient, notification_id, notification_count, subject, message_id, attempts, last_error, created_at,
                next_attempt_at, sent_at
           FROM email_deliveries WHERE ${where} ORDER BY created_at DESC, id DESC LIMIT $3 OFFSET $4`, [...params, limit, offset]),
      this.dataSource.query(`SELECT count(*)::int AS n FROM (SELECT 1 FROM email_deliveries WHERE ${where} LIMIT ${EXACT_TOTAL_LIMIT + 1}) capped`, params),
    ]);
    return { items: rows.map(toView), ...cappedTotal(n) };
  }

  /** How many mails are in each state. */
  async countsByStatus(executor?: Executor): Promise<Array<{ status: EmailDeliveryStatus; n: number }>> {
    return this.db(executor).query(`SELECT status, count(*)::int AS n FROM email_deliveries GROUP BY status`);
  }

  /** Mails waiting to be sent and the age of the oldest (the ops dashboard's backlog samples); the partial index keeps it cheap. */
  async backlog(): Promise<{ pending: number; oldestAgeSeconds: number }> {
    const [row] = await this.dataSource.query(
      `SELECT count(*)::int AS pending, COALESCE(EXTRACT(EPOCH FROM clock_timestamp() - min(created_at)), 0)::float8 AS age
         FROM email_deliveries WHERE status = 'PENDING'`);
    return { pending: row.pending, oldestAgeSeconds: Number(row.age) };
  }

  /** Age in seconds of the oldest mail waiting to be sent (0: none). */
  async oldestPendingSeconds(): Promise<number> {
    const [row] = await this.dataSource.query(
      `SELECT COALESCE(EXTRACT(EPOCH FROM clock_timestamp() - min(created_at)), 0)::float8 AS s FROM email_deliveries WHERE status = 'PENDING'`);
    return Number(row?.s ?? 0);
  }

  /**
   * Deletes up to `limit` finished mails (not PENDING or SENDING) queued more than `days` ago, and the digest items
   * those digests took; returns how many mails.
   */
  async deleteFinishedOlderThan(days: number, limit: number, executor?: Executor): Promise<number> {
    const [rows]: [Array<{ id: string }>] = await this.db(executor).query(
      `DELETE FROM email_deliveries WHERE id IN (
         SELECT id FROM email_deliveries WHERE status NOT IN ('PENDING', 'SENDING') AND created_at < now() - make_interval(days => $1) LIMIT $2)
       RETURNING id`, [days, limit]);
    if (rows.length) {
      await this.db(executor).query(`DELETE FROM email_digest_items WHERE delivery_id = ANY($1::uuid[])`, [rows.map((r) => r.id)]);
    }
    return rows.length;
  }

  private db(executor?: Executor): EntityManager {
    return managerOf(executor, this.dataSource.manager);
  }
}
