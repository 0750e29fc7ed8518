import { BadRequestException, ConflictException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { ListResult } from '../../../contracts/api';
import type { CreatedWebhook, WebhookDeliveryView, WebhookPayload, WebhookSecret, WebhookView } from '../../../contracts/webhooks';
import { AuditService } from '../audit/audit.service';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { isUniqueViolation } from '../database/sql-errors';
import { TransactionRunner, type UnitOfWork } from '../database/unit-of-work';
import type { PageQuery } from '../common/list';
import { checkDestination, RefusedDestination } from './webhook-address';
import { WebhookDeliveryWorker } from './webhook-delivery.worker';
import { WebhookSecretBox } from './webhook-secret';
import { WebhookRepository } from './webhook.repository';
import type { CreateWebhookDto, UpdateWebhookDto } from './dto/webhook.dto';

/** What a rule's CALL_WEBHOOK did, or why it could not. */
export type QueueOutcome = { queued: true; deliveryId: string; webhookName: string } | { queued: false; problem: string };

/** Who changes a webhook, for its WEBHOOK_CHANGED audit entry. */
export interface WebhookActor { id: string; name: string }

/** Webhook endpoints (ADMIN) and the queueing of their deliveries. */
@Injectable()
export class WebhooksService {
  private readonly secrets: WebhookSecretBox;

  constructor(
    private readonly tx: TransactionRunner,
    private readonly repository: WebhookRepository,
    private readonly worker: WebhookDeliveryWorker,
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.secrets = new WebhookSecretBox(config.jwtSecret);
  }

  list(page: PageQuery): Promise<ListResult<WebhookView>> {
    return this.repository.list(page.limit, page.offset);
  }

  async get(id: string): Promise<WebhookView> {
    const webhook = await this.repository.find(id);
    if (!webhook) throw new NotFoundException('webhook not found');
    return webhook;
  }

  /*
   * Every change to a webhook writes a WEBHOOK_CHANGED entry in its own transaction. Its detail says what changed
   * (`change`, the name and address, before/after of what an update touched) and never holds the signing secret.
   */

  async create(actor: WebhookActor, dto: CreateWebhookDto): Promise<CreatedWebhook> {
    const url = await this.checkedUrl(dto.url);
    const secret = WebhookSecretBox.generate();
    const webhook = await this.unique(() => this.tx.run(async (uow) => {
      const created = await this.repository.insert(uow, dto.name, url, dto.isEnabled ?? true, this.secrets.seal(secret));
      await this.recordChange(uow, actor, created.id, { change: 'CREATED', name: created.name, url: created.url, isEnabled: created.isEnabled });
      return created;
    }));
    return { ...webhook, secret };
  }

  async update(actor: WebhookActor, id: string, dto: UpdateWebhookDto): Promise<WebhookView> {
    const url = dto.url === undefined ? undefined : await this.checkedUrl(dto.url);
    const webhook = await this.unique(() => this.tx.run(async (uow) => {
      const before = await this.repository.find(id, uow, { lock: true });
      if (!before) return null;
      const after = await this.repository.update(uow, id, { name: dto.name, url, isEnabled: dto.isEnabled });
      if (!after) return null;
      const changed = (['name', 'url', 'isEnabled'] as const).filter((key) => before[key] !== after[key]);
      await this.recordChange(uow, actor, id, {
        change: 'UPDATED', name: after.name,
        before: Object.fromEntries(changed.map((key) => [key, before[key]])),
        after: Object.fromEntries(changed.map((key) => [key, after[key]])),
      });
      return after;
    }));
    if (!webhook) throw new NotFoundException('webhook not found');
    return webhook;
  }

  async remove(actor: WebhookActor, id: string): Promise<void> {
    const removed = await this.tx.run(async (uow) => {
      const webhook = await this.repository.find(id, uow, { lock: true });
      if (!webhook || !(await this.repository.delete(uow, id))) return false;
      await this.recordChange(uow, actor, id, { change: 'DELETED', name: webhook.name, url: webhook.url });
      return true;
    });
    if (!removed) throw new NotFoundException('webhook not found');
  }

  async rotateSecret(actor: WebhookActor, id: string): Promise<WebhookSecret> {
    const secret = WebhookSecretBox.generate();
    const rotated = await this.tx.run(async (uow) => {
      const webhook = await this.repository.find(id, uow, { lock: true });
      if (!webhook || !(await this.repository.setSecret(uow, id, this.secrets.seal(secret)))) return false;
      await this.recordChange(uow, actor, id, { change: 'SECRET_ROTATED', name: webhook.name });
      return true;
    });
    if (!rotated) throw new NotFoundException('webhook not found');
    return { secret };
  }

  async deliveries(id: string, page: PageQuery): Promise<ListResult<WebhookDeliveryView>> {
    await this.get(id);
    return this.repository.deliveries(id, page.limit, page.offset);
  }

  async redeliver(deliveryId: string): Promise<void> {
    if (!(await this.repository.requeue(deliveryId))) throw new NotFoundException('delivery not found');
    this.worker.wake();
  }

  /**
   * CALL_WEBHOOK: queues one delivery in the rule's transaction; the worker sends it after commit. A webhook that is
   * gone or disabled queues nothing: the rule run records the action as failed, with the reason.
   */
  async queueDelivery(uow: UnitOfWork, webhookId: string, body: Omit<WebhookPayload, 'deliveryId'>): Promise<QueueOutcome> {
    const webhook = await this.repository.find(webhookId, uow);
    if (!webhook) return { queued: false, problem: `webhook ${webhookId} no longer exists` };
    if (!webhook.isEnabled) return { queued: false, problem: `webhook ${webhook.name} is disabled` };
    const deliveryId = randomUUID();
    // deliveryId first: the body reads as the contract lists it.
    await this.repository.queue(uow, webhookId, body.rule.id, body.event.id, { deliveryId, ...body });
    uow.afterCommit(() => this.worker.wake());
    return { queued: true, deliveryId, webhookName: webhook.name };
  }

  /** For dry runs: the webhook a CALL_WEBHOOK would call. */
  find(id: string, uow?: UnitOfWork): Promise<WebhookView | null> {
    return this.repository.find(id, uow);
  }

  /** Save-time check of the ids rule actions name: the messages of the ones that do not exist. */
  async unknownWebhooks(refs: Array<{ id: string; path: string }>): Promise<string[]> {
    if (!refs.length) return [];
    const found = await this.repository.existing([...new Set(refs.map((r) => r.id))]);
    return refs.filter((r) => !found.has(r.id)).map((r) => `${r.path}: no webhook with id ${r.id}`);
  }

  private recordChange(uow: UnitOfWork, actor: WebhookActor, id: string, detail: Record<string, unknown>): Promise<void> {
    return this.audit.recordBy(uow, actor, { action: 'WEBHOOK_CHANGED', targetType: 'WEBHOOK', targetId: id, detail });
  }

  private async checkedUrl(raw: string): Promise<string> {
    try {
      return (await checkDestination(raw, this.config.webhooks.allowPrivate)).toString();
    } catch (error) {
      if (error instanceof RefusedDestination) throw new BadRequestException([error.message]);
      throw error;
    }
  }

  private async unique<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (isUniqueViolation(error, 'webhooks_name_key')) throw new ConflictException('a webhook with this name already exists');
      throw error;
    }
  }
}
