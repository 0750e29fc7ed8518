import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { PollingLoop, retryDelayMs } from '../common/polling-loop';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { WebhookSecretBox } from './webhook-secret';
import { sendWebhook, type SendResult } from './webhook-sender';
import { WebhookRepository, type ClaimedDelivery } from './webhook.repository';

/** Deliveries one claim takes; they are sent concurrently. */
const BATCH_SIZE = 10;
/** Concurrent claim loops per process. */
const WORKERS = 2;

/**
 * Sends queued webhook deliveries, after commit and never inside a transaction: a one-statement claim (a lease,
 * committed at once), the HTTP call, then the result in another short statement. A process killed between claim and
 * result leaves a lease that expires, and another worker sends the delivery again with the same id: at-least-once.
 */
@Injectable()
export class WebhookDeliveryWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(WebhookDeliveryWorker.name);
  private readonly secrets: WebhookSecretBox;
  private readonly loop: PollingLoop;
  private readonly listeners = new Set<(deliveryId: string, result: SendResult) => void>();

  constructor(private readonly repository: WebhookRepository, @Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.secrets = new WebhookSecretBox(config.jwtSecret);
    this.loop = new PollingLoop({
      name: 'webhook delivery round', loops: WORKERS, pollMs: config.webhooks.pollMs, logger: this.logger,
      runOnce: () => this.runOnce(), nextDue: () => this.repository.nextDue(),
    });
  }

  /** A claim outlives the longest possible attempt, so a live worker never loses its lease mid-call. */
  get leaseMs(): number {
    return this.config.webhooks.timeoutMs * 2 + 5000;
  }

  onApplicationBootstrap(): void {
    if (this.config.deliveryWorkers) this.start();
  }

  start(): void {
    this.loop.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.loop.stop();
  }

  /** Observe attempts (tests, metrics). Returns an unsubscribe function. */
  onAttempt(listener: (deliveryId: string, result: SendResult) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  wake(): void {
    this.loop.wake();
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
