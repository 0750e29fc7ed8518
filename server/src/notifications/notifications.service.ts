import { BadRequestException, Injectable, NotFoundException } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { NotificationPriority } from '../common/enums';
import { TransactionRunner, type UnitOfWork } from '../database/unit-of-work';
import { decodeCursor, encodeCursor } from './cursor';
import type { ListNotificationsQuery, NotificationPreferencesDto, NotificationView } from './dto/notification.dto';
import { NotificationDeliveryQueue } from '../realtime/notification-delivery';
import { rooms } from '../realtime/rooms';
import { SocketOutlet } from '../realtime/socket-outlet';
import { DEFAULT_PREFERENCES, isValidTimeZone, type Preferences } from './quiet-hours';

export interface NewNotification {
  userId: string;
  title: string;
  message: string;
  priority?: NotificationPriority;
  entityType?: string | null;
  entityId?: string | null;
  linkUrl?: string | null;
  /** The rule that sent it, so users can mute that rule. */
  ruleId?: string | null;
}

interface Row {
  id: string; user_id: string; title: string; message: string; priority: NotificationPriority; entity_type: string | null;
  entity_id: string | null; link_url: string | null; rule_id: string | null; is_read: boolean; created_at: Date | string; read_at: Date | string | null;
}

/** The counter shard a connection writes to (see the notifications migration). */
const SHARD = '(pg_backend_pid() % 64)';

const COLUMNS = 'id, user_id, title, message, priority, entity_type, entity_id, link_url, rule_id, is_read, created_at, read_at';
/** Timestamps as the API's ISO strings, formatted by PostgreSQL (created_at is stored to the millisecond). */
const ISO = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS ${column}`;
/**
 * For the list, the busiest read: parsing every timestamp into a Date only to print it again was a
 * tenth of the server's time on that endpoint (bench scenario 6).
 */
const LIST_COLUMNS = `id, user_id, title, message, priority, entity_type, entity_id, link_url, rule_id, is_read, ${ISO('created_at')}, ${ISO('read_at')}`;

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
function iso(value: Date | string): string {
  return typeof value === 'string' && ISO_UTC.test(value) ? value : new Date(value).toISOString();
}

function toView(r: Row): NotificationView {
  return {
    id: r.id, userId: r.user_id, title: r.title, message: r.message, priority: r.priority, entityType: r.entity_type,
    entityId: r.entity_id, linkUrl: r.link_url, isRead: r.is_read, createdAt: iso(r.created_at),
    readAt: r.read_at ? iso(r.read_at) : null,
  };
}

/**
 * Stores notifications and keeps each user's unread counter in the same
 * transaction; pushes to sockets only after that transaction commits.
 */
@Injectable()
export class NotificationsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly tx: TransactionRunner,
    private readonly outlet: SocketOutlet,
  ) {
    this.delivery = new NotificationDeliveryQueue(
      { preferencesOf: (ids) => this.preferencesOf(ids), unreadCounts: (ids) => this.unreadCounts(ids) }, outlet);
  }

  private readonly delivery: NotificationDeliveryQueue;

  /** One INSERT for any number of recipients, inside the caller's transaction when given. */
  async createMany(items: NewNotification[], uow?: UnitOfWork): Promise<NotificationView[]> {
    if (!items.length) return [];
    return this.tx.run(async (u) => {
      // One statement: the rows and every recipient's counter, atomically.
      const [result]: Array<{ rows: Row[] }> = await u.manager.query(
        `WITH inserted AS (
           INSERT INTO notifications (user_id, title, message, priority, entity_type, entity_id, link_url, rule_id)
           SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::notification_priority[], $5::text[], $6::uuid[], $7::text[], $8::uuid[])
           RETURNING ${COLUMNS}
         ), counted AS (
           INSERT INTO notification_counters (user_id, shard, unread_count)
           SELECT user_id, ${SHARD}, count(*) FROM inserted GROUP BY user_id
           ON CONFLICT (user_id, shard) DO UPDATE SET unread_count = notification_counters.unread_count + EXCLUDED.unread_count
         )
         SELECT coalesce(json_agg(inserted), '[]') AS rows FROM inserted`,
        [
          items.map((i) => i.userId), items.map((i) => i.title), items.map((i) => i.message),
          items.map((i) => i.priority ?? 'NORMAL'), items.map((i) => i.entityType ?? null), items.map((i) => i.entityId ?? null),
          items.map((i) => i.linkUrl ?? null), items.map((i) => i.ruleId ?? null),
        ],
      );
      const { rows } = result;
      const views = rows.map(toView);
      u.afterCommit(() => this.delivery.enqueue(views.map((view, i) => ({ view, ruleId: rows[i].rule_id }))));
      return views;
    }, uow);
  }

  async list(userId: string, query: ListNotificationsQuery): Promise<{ items: NotificationView[]; nextCursor: string | null }> {
    const params: unknown[] = [userId, query.limit + 1];
    let where = 'user_id = $1';
    if (query.unreadOnly) where += ' AND NOT is_read';
    if (query.cursor) {
      const { createdAt, id } = decodeCursor(query.cursor);
      params.push(createdAt, id);
      where += ' AND (created_at, id) < ($3::timestamptz, $4::uuid)';
    }
    const rows: Row[] = await this.dataSource.query(
      `SELECT ${LIST_COLUMNS} FROM notifications WHERE ${where} ORDER BY notifications.created_at DESC, id DESC LIMIT $2`, params);
    const page = rows.slice(0, query.limit);
    const last = page[page.length - 1];
    return {
      items: page.map(toView),
      nextCursor: rows.length > query.limit && last ? encodeCursor(new Date(last.created_at), last.id) : null,
    };
  }

  async unreadCount(userId: string): Promise<number> {
    return (await this.unreadCounts([userId])).get(userId) ?? 0;
  }

  /** Committed unread counts: the sum of each user's counter shards. */
  private async unreadCounts(userIds: string[]): Promise<Map<string, number>> {
    const rows: Array<{ user_id: string; n: number }> = await this.dataSource.query(
      'SELECT user_id, sum(unread_count)::int AS n FROM notification_counters WHERE user_id = ANY($1::uuid[]) GROUP BY user_id', [userIds]);
    return new Map(userIds.map((id) => [id, Math.max(0, rows.find((r) => r.user_id === id)?.n ?? 0)]));
  }

  async markRead(userId: string, id: string): Promise<NotificationView> {
    const { view, changed } = await this.tx.run(async (u) => {
      const [rows] = await u.manager.query(
        `UPDATE notifications SET is_read = true, read_at = now() WHERE id = $1 AND user_id = $2 AND NOT is_read RETURNING ${COLUMNS}`,
        [id, userId]);
      if (rows.length) {
        await this.adjustCounter(u, userId, -1);
        return { view: toView(rows[0]), changed: true };
      }
      const existing: Row[] = await u.manager.query(`SELECT ${COLUMNS} FROM notifications WHERE id = $1 AND user_id = $2`, [id, userId]);
      if (!existing.length) throw new NotFoundException('notification not found');
      return { view: toView(existing[0]), changed: false };
    });
    if (changed) this.outlet.emit([rooms.user(userId)], 'notifications:unread-count', { count: await this.unreadCount(userId) });
    return view;
  }

  async markAllRead(userId: string): Promise<{ updated: number }> {
    const updated = await this.tx.run(async (u) => {
      const [, n] = await u.manager.query(
        `UPDATE notifications SET is_read = true, read_at = now() WHERE user_id = $1 AND NOT is_read`, [userId]);
      // Subtract what was marked, rather than setting zero: a notification committed meanwhile stays counted.
      if (Number(n)) await this.adjustCounter(u, userId, -Number(n));
      return Number(n);
    });
    this.outlet.emit([rooms.user(userId)], 'notifications:unread-count', { count: await this.unreadCount(userId) });
    return { updated };
  }

  async preferences(userId: string): Promise<Preferences> {
    return (await this.preferencesOf([userId])).get(userId) ?? DEFAULT_PREFERENCES;
  }

  async savePreferences(userId: string, dto: NotificationPreferencesDto): Promise<Preferences> {
    if (dto.quietHours && !isValidTimeZone(dto.quietHours.timeZone)) {
      throw new BadRequestException([`quietHours.timeZone: unknown time zone "${dto.quietHours.timeZone}"`]);
    }
    const prefs: Preferences = {
      minToastPriority: dto.minToastPriority,
      mutedRuleIds: [...new Set(dto.mutedRuleIds)],
      quietHours: dto.quietHours ? { start: dto.quietHours.start, end: dto.quietHours.end, timeZone: dto.quietHours.timeZone } : null,
    };
    await this.dataSource.query(
      `INSERT INTO notification_preferences (user_id, min_toast_priority, muted_rule_ids, quiet_hours, updated_at)
       VALUES ($1, $2, $3, $4, now())
       ON CONFLICT (user_id) DO UPDATE SET min_toast_priority = EXCLUDED.min_toast_priority,
         muted_rule_ids = EXCLUDED.muted_rule_ids, quiet_hours = EXCLUDED.quiet_hours, updated_at = now()`,
      [userId, prefs.minToastPriority, prefs.mutedRuleIds, prefs.quietHours ? JSON.stringify(prefs.quietHours) : null]);
    return prefs;
  }

  private async preferencesOf(userIds: string[]): Promise<Map<string, Preferences>> {
    const rows: Array<{ user_id: string; min_toast_priority: NotificationPriority; muted_rule_ids: string[]; quiet_hours: Preferences['quietHours'] }> =
      await this.dataSource.query(
        `SELECT user_id, min_toast_priority, muted_rule_ids, quiet_hours FROM notification_preferences WHERE user_id = ANY($1)`, [userIds]);
    return new Map(rows.map((r) => [r.user_id, { minToastPriority: r.min_toast_priority, mutedRuleIds: r.muted_rule_ids, quietHours: r.quiet_hours }]));
  }

  private async adjustCounter(u: UnitOfWork, userId: string, delta: number): Promise<void> {
    await u.manager.query(
      `INSERT INTO notification_counters (user_id, shard, unread_count) VALUES ($1, ${SHARD}, $2)
       ON CONFLICT (user_id, shard) DO UPDATE SET unread_count = notification_counters.unread_count + EXCLUDED.unread_count`,
      [userId, delta]);
  }
}
