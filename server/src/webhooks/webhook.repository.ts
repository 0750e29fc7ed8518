import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { WebhookDeliveryStatus, WebhookDeliveryView, WebhookPayload, WebhookView } from '../../../contracts/webhooks';
import { managerOf, type Executor } from '../database/executor';

interface WebhookRow { id: string; name: string; url: string; is_enabled: boolean; created_at: Date; updated_at: Date }

/** A webhook with its sealed secret, for the sender. */
export interface WebhookTarget extends WebhookView { secretSealed: Buffer }

/** A delivery as the worker claims it. */
export interface ClaimedDelivery {
  id: string; webhookId: string; payload: WebhookPayload; roundAttempts: number; roundStartedAt: Date; leaseToken: string;
}

interface DeliveryRow {
  id: string; status: WebhookDeliveryStatus; attempts: number; response_status: number | null; duration_ms: number | null;
  last_error: string | null; created_at: Date; delivered_at: Date | null;
}

const COLUMNS = 'id, name, url, is_enabled, created_at, updated_at';

function toView(r: WebhookRow): WebhookView {
  return { id: r.id, name: r.name, url: r.url, isEnabled: r.is_enabled, createdAt: r.created_at.toISOString(), updatedAt: r.updated_at.toISOString() };
}

function toDeliveryView(r: DeliveryRow): WebhookDeliveryView {
  return {
    id: r.id, status: r.status, attempts: r.attempts, responseStatus: r.response_status, durationMs: r.duration_ms, lastError: r.last_error,
    createdAt: r.created_at.toISOString(), deliveredAt: r.delivered_at ? r.delivered_at.toISOString() : null,
  };
}

/** Every statement on `webhooks` and `webhook_deliveries`. */
@Injectable()
export class WebhookRepository {
  constructor(private readonly dataSource: DataSource) {}

  async list(limit: number, offset: number): Promise<{ items: WebhookView[]; total: number }> {
    const [rows, [{ n }]] = await Promise.all([
      this.dataSource.query(`SELECT ${COLUMNS} FROM webhooks ORDER BY created_at DESC, id DESC LIMIT $1 OFFSET $2`, [limit, offset]),
      this.dataSource.query(`SELECT count(*)::int AS n FROM webhooks`),
    ]);
    return { items: rows.map(toView), total: n };
  }

  /** `lock`: held until the caller's transaction ends (a change that records what it replaced). */
  async find(id: string, db?: Executor, options: { lock?: boolean } = {}): Promise<WebhookView | null> {
    const rows: WebhookRow[] = await this.db(db).query(`SELECT ${COLUMNS} FROM webhooks WHERE id = $1${options.lock ? ' FOR UPDATE' : ''}`, [id]);
    return rows[0] ? toView(rows[0]) : null;
  }

  async findTarget(id: string, db?: Executor): Promise<WebhookTarget | null> {
    const rows: Array<WebhookRow & { secret_encrypted: Buffer }> = await this.db(db).query(
      `SELECT ${COLUMNS}, secret_encrypted FROM webhooks WHERE id = $1`, [id]);
    return rows[0] ? { ...toView(rows[0]), secretSealed: rows[0].secret_encrypted } : null;
  }

  /** Which of these ids exist. */
  async existing(ids: string[]): Promise<Set<string>> {
    const rows: Array<{ id: string }> = await this.dataSource.query(`SELECT id FROM webhooks WHERE id = ANY($1::uuid[])`, [ids]);
    return new Set(rows.map((r) => r.id));
  }

  async insert(db: Executor, name: string, url: string, isEnabled: boolean, secretSealed: Buffer): Promise<WebhookView> {
    const [row] = await this.db(db).query(
      `INSERT INTO webhooks (name, url, is_enabled, secret_encrypted) VALUES ($1, $2, $3, $4) RETURNING ${COLUMNS}`, [name, url, isEnabled, secretSealed]);
    return toView(row);
  }

  async update(db: Executor, id: string, changes: { name?: string; url?: string; isEnabled?: boolean }): Promise<WebhookView | null> {
    const [rows] = await this.db(db).query(
      `UPDATE webhooks SET name = COALESCE($2, name), url = COALESCE($3, url), is_enabled = COALESCE($4, is_enabled), updated_at = now()
        WHERE id = $1 RETURNING ${COLUMNS}`, [id, changes.name ?? null, changes.url ?? null, changes.isEnabled ?? null]);
    return rows[0] ? toView(rows[0]) : null;
  }

  async setSecret(db: Executor, id: string, secretSealed: Buffer): Promise<boolean> {
    const [, n] = await this.db(db).query(`UPDATE webhooks SET secret_encrypted = $2, updated_at = now() WHERE id = $1`, [id, secretSealed]);
    return Number(n) > 0;
  }

  async delete(db: Executor, id: string): Promise<boolean> {
    const [, n] = await this.db(db).query(`DELETE FROM webhooks WHERE id = $1`, [id]);
    return Number(n) > 0;
  }

  /** Queues a delivery in the caller's transaction; the payload carries its own id. */
  async queue(db: Executor, webhookId: string, ruleId: string, eventId: string, payload: WebhookPayload): Promise<void> {
    await this.db(db).query(
      `INSERT INTO webhook_deliveries (id, webhook_id, rule_id, event_id, payload) VALUES ($1, $2, $3, $4, $5)`,
      [payload.deliveryId, webhookId, ruleId, eventId, JSON.stringify(payload)]);
  }

  async deliveries(webhookId: string, limit: number, offset: number): Promise<{ items: WebhookDeliveryView[]; total: number }> {
    const [rows, [{ n }]] = await Promise.all([
      this.dataSource.query(
        `SELECT id, status, attempts, response_status, duration_ms, last_error, created_at, delivered_at FROM webhook_deliveries
          WHERE webhook_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2 OFFSET $3`, [webhookId, limit, offset]),
      this.dataSource.query(`SELECT count(*)::int AS n FROM webhook_deliveries WHERE webhook_id = $1`, [webhookId]),
    ]);
    return { items: rows.map(toDeliveryView), total: n };
  }

  /** Puts a delivery back in the queue (same id), due now, with a fresh retry window; false when there is no such delivery. */
  async requeue(id: string): Promise<boolean> {
    const [, n] = await this.dataSource.query(
      `UPDATE webhook_deliveries SET status = 'PENDING', next_attempt_at = now(), round_started_at = now(), round_attempts = 0, lease_until = NULL, lease_token = NULL
        WHERE id = $1`, [id]);
    return Number(n) > 0;
  }

  /**
   * Claims up to `limit` due deliveries as a lease until `leaseMs` from now, and commits at once (the caller runs this
   * outside any other transaction): SKIP LOCKED keeps concurrent workers apart while the claim runs, the lease keeps
   * them apart while the HTTP call runs, and a worker that dies leaves a lease that simply expires.
   */
  async claim(db: Executor | undefined, limit: number, leaseMs: number, leaseToken: string): Promise<ClaimedDelivery[]> {
    const [rows]: [Array<{ id: string; webhook_id: string; payload: WebhookPayload; round_attempts: number; round_started_at: Date }>] = await this.db(db).query(
      `UPDATE webhook_deliveries d
          SET lease_until = clock_timestamp() + make_interval(secs => $2::float8 / 1000), lease_token = $3, attempts = d.attempts + 1, round_attempts = d.round_attempts + 1
         FROM (SELECT id FROM webhook_deliveries
                WHERE status = 'PENDING' AND next_attempt_at <= clock_timestamp() AND (lease_until IS NULL OR lease_until < clock_timestamp())
                ORDER BY next_attempt_at LIMIT $1 FOR UPDATE SKIP LOCKED) due
        WHERE d.id = due.id
        RETURNING d.id, d.webhook_id, d.payload, d.round_attempts, d.round_started_at`, [limit, leaseMs, leaseToken]);
    return rows.map((r) => ({
      id: r.id, webhookId: r.webhook_id, payload: r.payload, roundAttempts: r.round_attempts, roundStartedAt: r.round_started_at, leaseToken,
    }));
  }

  /**
   * Records an attempt's outcome, if this worker still holds the lease (a redeliver in between, or a lease that expired
   * and was taken by another worker, wins). `retryInMs` null: final (SUCCEEDED or FAILED).
   */
  async record(
    id: string, leaseToken: string,
    result: { status: WebhookDeliveryStatus; responseStatus: number | null; durationMs: number; lastError: string | null; retryInMs: number | null },
  ): Promise<boolean> {
    const [, n] = await this.dataSource.query(
      `UPDATE webhook_deliveries
          SET status = $3::webhook_delivery_status, response_status = $4, duration_ms = $5, last_error = $6,
              delivered_at = CASE WHEN $3::webhook_delivery_status = 'SUCCEEDED' THEN clock_timestamp() ELSE delivered_at END,
              next_attempt_at = CASE WHEN $7::float8 IS NULL THEN next_attempt_at ELSE clock_timestamp() + make_interval(secs => $7::float8 / 1000) END,
              lease_until = NULL, lease_token = NULL
        WHERE id = $1 AND lease_token = $2`,
      [id, leaseToken, result.status, result.responseStatus, result.durationMs, result.lastError, result.retryInMs]);
    return Number(n) > 0;
  }

  /** When the next delivery falls due (null: none pending), so an idle worker sleeps no longer than needed. */
  async nextDue(): Promise<Date | null> {
    const [row] = await this.dataSource.query(
      `SELECT min(GREATEST(next_attempt_at, COALESCE(lease_until, next_attempt_at))) AS due FROM webhook_deliveries WHERE status = 'PENDING'`);
    return row?.due ?? null;
  }

  private db(executor?: Executor): EntityManager {
    return managerOf(executor, this.dataSource.manager);
  }
}
