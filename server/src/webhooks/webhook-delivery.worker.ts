import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { WebhookSecretBox } from './webhook-secret';
import { sendWebhook, type SendResult } from './webhook-sender';
import { WebhookRepository, type ClaimedDelivery } from './webhook.repository';

/** Deliveries one claim takes; they are sent concurrently. */
const BATCH_SIZE = 10;
/** Concurrent claim loops per process. */
const WORKERS = 2;

/** The delay before retry number `attempt` (1 = first retry): doubling from `baseMs`, capped, ±25 % jitter. */
export function retryDelayMs(attempt: number, baseMs: number, maxMs: number, random = Math.random): number {
  const plain = Math.min(baseMs * 2 ** Math.min(attempt - 1, 40), maxMs);
  return Math.round(plain * (0.75 + random() * 0.5));
}

/**
 * Sends queued webhook deliveries, after commit and never inside a transaction: a one-statement claim (a lease,
 * committed at once), the HTTP call, then the result in another short statement. A process killed between claim and
 * result leaves a lease that expires, and another worker sends the delivery again with the same id: at-least-once.
 */
@Injectable()
export class WebhookDeliveryWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(WebhookDeliveryWorker.name);
  private readonly secrets: WebhookSecretBox;
  private running = false;
  private loops: Promise<void>[] = [];
  private readonly waiters = new Set<() => void>();
  private pendingWake = false;
  private readonly listeners = new Set<(deliveryId: string, result: SendResult) => void>();

  constructor(private readonly repository: WebhookRepository, @Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.secrets = new WebhookSecretBox(config.jwtSecret);
  }

  /** A claim outlives the longest possible attempt, so a live worker never loses its lease mid-call. */
  get leaseMs(): number {
    return this.config.webhooks.timeoutMs * 2 + 5000;
  }

  onApplicationBootstrap(): void {
    // Processes that leave background work to others (OUTBOX_DISPATCHER=off) send no webhooks either.
    if (this.config.outboxDispatcher) this.start();
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loops = Array.from({ length: WORKERS }, () => this.loop());
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.running = false;
    for (const waiter of [...this.waiters]) waiter();
    await Promise.allSettled(this.loops);
  }

  /** Observe attempts (tests, metrics). Returns an unsubscribe function. */
  onAttempt(listener: (deliveryId: string, result: SendResult) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  wake(): void {
    const [idle] = this.waiters;
    if (idle) idle();
    else this.pendingWake = true;
  }

  private async loop(): Promise<void> {
    while (this.running) {
      let handled = 0;
      try {
        handled = await this.runOnce();
      } catch (error) {
        this.logger.error(`webhook delivery round failed: ${(error as Error).message}`);
      }
      if (handled === 0 && this.running) await this.idle();
    }
  }

  private async idle(): Promise<void> {
    if (this.pendingWake) {
      this.pendingWake = false;
      return;
    }
    let wait = this.config.webhooks.pollMs;
    const due = await this.repository.nextDue().catch(() => null);
    if (due) wait = Math.max(5, Math.min(wait, new Date(due).getTime() - Date.now()));
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, wait);
      this.waiters.add(done);
    });
  }

  /** Claims one batch and sends it; returns how many deliveries it took. */
  async runOnce(): Promise<number> {
    const claimed = await this.repository.claim(undefined, BATCH_SIZE, this.leaseMs, randomUUID());
    await Promise.all(claimed.map((d) => this.attempt(d)));
    if (claimed.length) this.wake();
    return claimed.length;
  }

  private async attempt(delivery: ClaimedDelivery): Promise<void> {
    const settings = this.config.webhooks;
    const webhook = await this.repository.findTarget(delivery.webhookId);
    if (!webhook) return; // deleted meanwhile: its deliveries went with it (ON DELETE CASCADE)
    const refused = (error: string): SendResult => ({ ok: false, responseStatus: null, durationMs: 0, error });
    const secret = this.openSecret(webhook.secretSealed);
    const result = !webhook.isEnabled ? refused('the webhook is disabled')
      : secret === null ? refused('the signing secret cannot be read (was JWT_SECRET changed?): rotate it')
        : await sendWebhook(webhook.url, delivery.id, JSON.stringify(delivery.payload), secret, {
          timeoutMs: settings.timeoutMs, allowPrivate: settings.allowPrivate,
        });
    const outOfTime = Date.now() - new Date(delivery.roundStartedAt).getTime() >= settings.retryWindowMs;
    const retryInMs = result.ok || outOfTime ? null : retryDelayMs(delivery.roundAttempts, settings.retryBaseMs, settings.retryMaxMs);
    await this.repository.record(delivery.id, delivery.leaseToken, {
      status: result.ok ? 'SUCCEEDED' : retryInMs === null ? 'FAILED' : 'PENDING',
      responseStatus: result.responseStatus, durationMs: result.durationMs, lastError: result.error, retryInMs,
    });
    if (!result.ok && retryInMs === null) this.logger.warn(`webhook delivery ${delivery.id} to ${webhook.name} failed for good: ${result.error}`);
    for (const listener of this.listeners) listener(delivery.id, result);
  }

  private openSecret(sealed: Buffer): string | null {
    try {
      return this.secrets.open(sealed);
    } catch {
      return null;
    }
  }
}
