import { ConflictException, Inject, Injectable, Logger, NotFoundException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { ListResult } from '../../../contracts/api';
import { EMAIL_DELIVERY_STATUSES, type EmailDeliverySummary, type EmailDeliveryView, type EmailPreferences } from '../../../contracts/email';
import type { NotificationPriority } from '../common/enums';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import type { Executor } from '../database/executor';
import { BackgroundTransactionRunner, type UnitOfWork } from '../database/unit-of-work';
import { UsersService } from '../users/users.service';
import { notificationUrl, renderDigestMail, renderNotificationMail, type MailItem } from './email-content';
import { routeEmail } from './email-preferences';
import { EmailDeliveryWorker, type EmailWorkerStats } from './email-delivery.worker';
import { EmailRepository, type MailDraft } from './email.repository';
import type { EmailDeliveryQuery } from './dto/email-delivery.dto';

/** What the e-mail channel needs to know of a notification just created. */
export interface MailableNotification {
  id: string; userId: string; title: string; message: string; priority: NotificationPriority;
  entityType: string | null; entityId: string | null; linkUrl: string | null; createdAt: string;
}

/** Digest items gathered per run at most; a bigger backlog is gathered by the next runs (the job repeats until done). */
const DIGEST_BATCH = 5000;

/** The e-mail channel: queues mails in the notifications' own transaction, gathers digests, lists deliveries for admins. */
@Injectable()
export class EmailService {
  private readonly logger = new Logger('Email');

  constructor(
    private readonly repository: EmailRepository,
    private readonly users: UsersService,
    private readonly worker: EmailDeliveryWorker,
    private readonly tx: BackgroundTransactionRunner,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** SMTP_URL is set: mails are queued and sent. */
  get configured(): boolean {
    return !!this.config.email.smtpUrl;
  }

  /**
   * For notifications being created in `uow`: queues each recipient's mail (at or above their minimum priority) or
   * digest item (below it, with a digest chosen), in the same transaction, and wakes the sender after commit.
   * Inactive users and users without preferences allowing it get nothing.
   */
  async queueForNotifications(uow: UnitOfWork, notifications: MailableNotification[], preferences: Map<string, EmailPreferences>): Promise<void> {
    if (!this.configured || !notifications.length) return;
    const routed = notifications.map((n) => ({ n, route: routeEmail(preferences.get(n.userId), n.priority) })).filter((r) => r.route.kind !== 'NONE');
    if (!routed.length) return;
    const recipients = new Map((await this.users.findManyByIds(routed.map((r) => r.n.userId), uow)).filter((u) => u.isActive).map((u) => [u.id, u]));
    const mails: MailDraft[] = [];
    const digestItems: Parameters<EmailRepository['queueDigestItems']>[1] = [];
    for (const { n, route } of routed) {
      const user = recipients.get(n.userId);
      if (!user) continue;
      const item = this.mailItem(n);
      if (route.kind === 'MAIL') {
        const id = randomUUID();
        const content = renderNotificationMail(item, this.config.publicUrl);
        mails.push({
          id, kind: 'NOTIFICATION', userId: n.userId, recipient: user.email, notificationId: n.id, notificationCount: 1,
          onlyWhenOffline: route.onlyWhenOffline, messageId: this.messageId(id), ...content,
        });
      } else if (route.kind === 'DIGEST') {
        digestItems.push({ notificationId: n.id, userId: n.userId, item, digest: route.digest });
      }
    }
    await this.repository.queue(uow, mails);
    await this.repository.queueDigestItems(uow, digestItems);
    if (mails.length) uow.afterCommit(() => this.worker.wake());
  }

  /**
   * Gathers every waiting item of one digest frequency into one mail per user and queues those mails (the cron jobs
   * only call this; the worker sends). One process at a time: a second one finds the lock taken and does nothing,
   * and the items a digest takes are marked in the same transaction, so no item is ever in two digests.
   * Returns how many digest mails were queued.
   */
  async enqueueDigests(digest: 'HOURLY' | 'DAILY'): Promise<number> {
    if (!this.configured) return 0;
    let total = 0;
    for (;;) {
      const { queued, more } = await this.tx.run(async (uow) => {
        if (!(await this.repository.tryDigestLock(uow))) return { queued: 0, more: false };
        const items = await this.repository.waitingDigestItems(uow, digest, DIGEST_BATCH);
        const byUser = new Map<string, typeof items>();
        for (const item of items) byUser.set(item.userId, [...(byUser.get(item.userId) ?? []), item]);
        const users = new Map((await this.users.findManyByIds([...byUser.keys()], uow)).map((u) => [u.id, u]));
        const mails: MailDraft[] = [];
        const taken: Array<{ notificationId: string; deliveryId: string }> = [];
        const dropped: string[] = [];
        for (const [userId, list] of byUser) {
          const user = users.get(userId);
          if (!user || !user.isActive) {
            dropped.push(...list.map((i) => i.notificationId));
            continue;
          }
          const id = randomUUID();
          const content = renderDigestMail(list.map((i) => i.item), digest, this.config.publicUrl);
          mails.push({
            id, kind: 'DIGEST', userId, recipient: user.email, notificationId: null, notificationCount: list.length, onlyWhenOffline: false,
            messageId: this.messageId(id), ...content,
          });
          taken.push(...list.map((i) => ({ notificationId: i.notificationId, deliveryId: id })));
        }
        // One statement each for the whole run, not one per user.
        await this.repository.markDigested(uow, taken, dropped);
        await this.repository.queue(uow, mails);
        if (mails.length) uow.afterCommit(() => this.worker.wake());
        return { queued: mails.length, more: items.length === DIGEST_BATCH };
      });
      total += queued;
      if (!more) break;
    }
    if (total) this.logger.log(`queued ${total} ${digest.toLowerCase()} digest mail(s)`);
    return total;
  }

  /**
   * The user saved new e-mail preferences: notifications waiting for a digest go into the digest now chosen, or are
   * dropped when e-mail or the digest was turned off (they stay in the console).
   */
  async preferencesChanged(userId: string, prefs: EmailPreferences): Promise<void> {
    await this.repository.retargetWaitingDigestItems(userId, prefs.enabled && prefs.digest !== 'OFF' ? prefs.digest : null);
  }

  list(query: EmailDeliveryQuery): Promise<ListResult<EmailDeliveryView>> {
    return this.repository.list({ status: query.status, userId: query.userId }, query.limit, query.offset);
  }

  /**
   * An admin sends a mail again that did not certainly arrive (FAILED, UNCERTAIN — knowing it may then arrive twice —
   * or SKIPPED). A mail that is queued, being sent or sent is refused (409): resending it could only double it.
   */
  async resend(id: string): Promise<void> {
    const before = await this.repository.requeue(id);
    if (before === null) throw new NotFoundException('e-mail delivery not found');
    if (!['FAILED', 'UNCERTAIN', 'SKIPPED'].includes(before)) {
      throw new ConflictException(`this mail is ${before}: only FAILED, UNCERTAIN or SKIPPED mails can be sent again`);
    }
    this.worker.wake();
  }

  async summary(): Promise<EmailDeliverySummary> {
    const counts = Object.fromEntries(EMAIL_DELIVERY_STATUSES.map((s) => [s, 0])) as EmailDeliverySummary['counts'];
    for (const row of await this.repository.countsByStatus()) counts[row.status] = row.n;
    return { configured: this.configured, counts };
  }

  /** Housekeeping: one batch of finished mails older than `days` (the maintenance job repeats it); how many went. */
  pruneFinished(days: number, limit: number, executor?: Executor): Promise<number> {
    return this.repository.deleteFinishedOlderThan(days, limit, executor);
  }

  /** Mails waiting to be sent, and how long the oldest has waited (ops dashboard). */
  backlog(): Promise<{ pending: number; oldestAgeSeconds: number }> {
    return this.repository.backlog();
  }

  oldestPendingSeconds(): Promise<number> {
    return this.repository.oldestPendingSeconds();
  }

  /** What this process's worker did (for /metrics). */
  get workerStats(): EmailWorkerStats {
    return this.worker.stats;
  }

  private mailItem(n: MailableNotification): MailItem {
    return { title: n.title, message: n.message, priority: n.priority, url: notificationUrl(this.config.publicUrl, n), createdAt: n.createdAt };
  }

  /** Stable for the queued mail: every attempt carries the same Message-ID. */
  private messageId(id: string): string {
    const host = new URL(this.config.publicUrl).hostname.replace(/^\[|\]$/g, '') || 'localhost';
    return `<${id}@${host.includes(':') ? 'auditcaseos.invalid' : host}>`;
  }
}
