import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { PollingLoop, retryDelayMs } from '../common/polling-loop';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { SocketOutlet } from '../realtime/socket-outlet';
import { settingsUrl } from './email-content';
import { EmailRepository, type ClaimedMail } from './email.repository';
import { sendSmtp, type SmtpResult } from './smtp-sender';

/** Mails one claim takes; each is sent over a connection of its own, concurrently. */
const BATCH_SIZE = 10;
/** Concurrent claim loops per process. */
const WORKERS = 2;

/** What this process's worker did, for /metrics. */
export interface EmailWorkerStats { sent: number; failed: number; retried: number; uncertain: number; skipped: number }

/**
 * Sends queued mails after commit, never inside a transaction: a one-statement claim (a lease, committed at once),
 * then — once the mail server has greeted and accepted the login — the mail is marked SENDING, the message goes out,
 * and the outcome is recorded in another short statement.
 *
 * The crash window between "sent" and "recorded" is taken on the at-most-once side: a process that dies before it
 * marked a mail SENDING leaves a lease that expires, and the mail is sent later (nothing lost, nothing doubled); a
 * process that dies after it leaves a SENDING row that is settled as UNCERTAIN and never sent again, since the
 * server may have accepted it. See docs/operations.md "E-mail".
 */
@Injectable()
export class EmailDeliveryWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(EmailDeliveryWorker.name);
  private readonly loop: PollingLoop;
  private readonly listeners = new Set<(mailId: string, result: SmtpResult | { skipped: true }) => void>();
  readonly stats: EmailWorkerStats = { sent: 0, failed: 0, retried: 0, uncertain: 0, skipped: 0 };

  constructor(
    private readonly repository: EmailRepository,
    private readonly sockets: SocketOutlet,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.loop = new PollingLoop({
      name: 'e-mail delivery round', loops: WORKERS, pollMs: config.email.pollMs, logger: this.logger,
      runOnce: () => this.runOnce(), nextDue: () => this.repository.nextDue(),
    });
  }

  /**
   * A claim outlives the longest possible attempt (connect, greeting, login, each command and the message may each
   * take up to the timeout), so a live worker never loses its lease mid-conversation.
   */
  get leaseMs(): number {
    return this.config.email.timeoutMs * 2 + 5000 + this.config.email.pauseAfterClaimMs;
  }

  onApplicationBootstrap(): void {
    // No SMTP_URL: nothing is ever queued.
    if (this.config.email.smtpUrl && this.config.deliveryWorkers) this.start();
  }

  start(): void {
    this.loop.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.loop.stop();
  }

  wake(): void {
    this.loop.wake();
  }

  /** Observe attempts (tests). Returns an unsubscribe function. */
  onAttempt(listener: (mailId: string, result: SmtpResult | { skipped: true }) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Settles abandoned SENDING rows, claims one batch and sends it; returns how many rows it handled. */
  async runOnce(): Promise<number> {
    const settled = await this.repository.settleAbandoned();
    if (settled) {
      this.stats.uncertain += settled;
      this.logger.warn(`${settled} mail(s) were being sent by a process that stopped: marked UNCERTAIN, not sent again`);
    }
    const claimed = await this.repository.claim(BATCH_SIZE, this.leaseMs, randomUUID());
    await Promise.all(claimed.map((m) => this.attempt(m)));
    if (claimed.length) this.wake();
    return claimed.length + settled;
  }

  private async attempt(mail: ClaimedMail): Promise<void> {
    const settings = this.config.email;
    if (settings.pauseAfterClaimMs) await new Promise((r) => setTimeout(r, settings.pauseAfterClaimMs));
    if (mail.onlyWhenOffline && (await this.sockets.isUserConnected(mail.userId))) {
      await this.repository.record(mail.id, mail.leaseToken, { status: 'SKIPPED', lastError: 'the user had the console open', retryInMs: null });
      this.stats.skipped++;
      for (const listener of this.listeners) listener(mail.id, { skipped: true });
      return;
    }
    const result = await sendSmtp(settings.smtpUrl!, settings.timeoutMs, {
      from: settings.from, to: mail.recipient, subject: mail.subject, text: mail.text, html: mail.html, messageId: mail.messageId,
      settingsUrl: settingsUrl(this.config.publicUrl),
    }, () => this.repository.markSending(mail.id, mail.leaseToken)).catch((error: Error): SmtpResult => (
      { ok: false, error: error.message, responseCode: null, committed: false }));
    await this.recordWithRetries(mail, result);
    for (const listener of this.listeners) listener(mail.id, result);
  }

  private async recordWithRetries(mail: ClaimedMail, result: SmtpResult): Promise<void> {
    const outcome = this.outcome(mail, result);
    // The mail server has answered; losing that answer now would leave a SENDING row to be settled as UNCERTAIN.
    for (let i = 0; ; i++) {
      try {
        await this.repository.record(mail.id, mail.leaseToken, outcome);
        break;
      } catch (error) {
        if (i >= 4) {
          this.logger.error(`could not record the outcome of mail ${mail.id}: ${(error as Error).message}`);
          return;
        }
        await new Promise((r) => setTimeout(r, 200 * 2 ** i));
      }
    }
    if (outcome.status === 'SENT') this.stats.sent++;
    else if (outcome.status === 'PENDING') this.stats.retried++;
    else if (outcome.status === 'UNCERTAIN') this.stats.uncertain++;
    else this.stats.failed++;
    if (outcome.status === 'FAILED' || outcome.status === 'UNCERTAIN') {
      this.logger.warn(`mail ${mail.id} to ${mail.recipient} ${outcome.status}: ${outcome.lastError}`);
    }
  }

  /**
   * SENT when the server accepted it. A refusal with a 5xx code is final (FAILED); a 4xx refusal, or no conversation
   * at all (server down, login refused), is retried with growing delays until the retry window ends. A conversation
   * that broke off without an answer after the message began may have delivered it: UNCERTAIN, never retried.
   */
  private outcome(mail: ClaimedMail, result: SmtpResult): { status: 'SENT' | 'PENDING' | 'FAILED' | 'UNCERTAIN'; lastError: string | null; retryInMs: number | null } {
    if (result.ok) return { status: 'SENT', lastError: null, retryInMs: null };
    if (result.committed && result.responseCode === null) return { status: 'UNCERTAIN', lastError: result.error, retryInMs: null };
    if (result.committed && result.responseCode !== null && result.responseCode >= 500) return { status: 'FAILED', lastError: result.error, retryInMs: null };
    const settings = this.config.email;
    const outOfTime = Date.now() - new Date(mail.retryFrom).getTime() >= settings.retryWindowMs;
    if (outOfTime) return { status: 'FAILED', lastError: `${result.error} (retried for ${Math.round(settings.retryWindowMs / 60000)} min)`, retryInMs: null };
    return { status: 'PENDING', lastError: result.error, retryInMs: retryDelayMs(mail.attempts, settings.retryBaseMs, settings.retryMaxMs) };
  }
}
