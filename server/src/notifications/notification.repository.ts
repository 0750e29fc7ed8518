import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { NotificationPriority } from '../common/enums';
import { managerOf, type Executor } from '../database/executor';
import type { UnitOfWork } from '../database/unit-of-work';
import type { EmailPreferences } from '../../../contracts/email';
import type { Preferences } from './quiet-hours';

/** A notification to insert (defaults already applied). */
export interface NotificationDraft {
  userId: string; title: string; message: string; priority: NotificationPriority; entityType: string | null;
  entityId: string | null; linkUrl: string | null; ruleId: string | null; ruleName: string | null;
  /** The scope code of the case it is about (null when it is about no case). */
  scopeCode: string | null;
}

/** Whose notifications, and the case scopes they may see now (undefined: every scope). */
export interface NotificationReader {
  userId: string;
  scopes: string[] | undefined;
}

/** What an insert answers: the new rows and, when asked for (else none), the recipients' saved e-mail preferences. */
export interface InsertedNotifications {
  rows: NotificationRow[];
  emailPreferences: Map<string, Partial<EmailPreferences>>;
}

export interface NotificationRow {
  id: string; user_id: string; title: string; message: string; priority: NotificationPriority; entity_type: string | null;
  entity_id: string | null; link_url: string | null; rule_id: string | null; rule_name: string | null; is_read: boolean; created_at: Date | string; read_at: Date | string | null;
}

/** The counter shard a connection writes to (see the notifications migration). */
const SHARD = '(pg_backend_pid() % 64)';

/**
 * Hidden: about a case of a scope the reader may no longer see (their scopes changed since). Such notifications
 * stay in the table (they come back if the scope does). The case's scope was kept on the notification when it was
 * written, so this needs no other module's table: only the reader's current scopes, parameter `$n`.
 */
const visibleTo = (param: number) => `(scope_code IS NULL OR scope_code = ANY ($${param}::text[]))`;

const COLUMNS = 'id, user_id, title, message, priority, entity_type, entity_id, link_url, rule_id, rule_name, is_read, created_at, read_at';
/** Timestamps as the API's ISO strings, formatted by PostgreSQL (created_at is stored to the millisecond). */
const ISO = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS ${column}`;
/** For the list, the busiest read: parsing every timestamp into a Date only to print it again costs more than the query. */
const LIST_COLUMNS = `id, user_id, title, message, priority, entity_type, entity_id, link_url, rule_id, rule_name, is_read, ${ISO('created_at')}, ${ISO('read_at')}`;

/** Every statement on `notifications`, `notification_counters` and `notification_preferences`. */
@Injectable()
export class NotificationRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** One statement: the rows and every recipient's unread counter, atomically. */
  /**
   * Inserts the notifications and counts them unread. With `emailPreferences`, the same statement also answers the
   * recipients' saved e-mail preferences (those who saved any), which the e-mail channel needs next: one round trip
   * per notification batch instead of two.
   */
  async insertMany(uow: UnitOfWork, items: NotificationDraft[], options: { emailPreferences: boolean }): Promise<InsertedNotifications> {
    const emailPreferences = options.emailPreferences
      ? `, (SELECT coalesce(json_object_agg(p.user_id, p.email), '{}') FROM notification_preferences p
             WHERE p.user_id = ANY($1::uuid[]) AND p.email IS NOT NULL) AS email_preferences`
      : '';
    const [result]: Array<{ rows: NotificationRow[]; email_preferences?: Record<string, Partial<EmailPreferences>> }> = await uow.manager.query(
      `WITH inserted AS (
         INSERT INTO notifications (user_id, title, message, priority, entity_type, entity_id, link_url, rule_id, rule_name, scope_code)
         SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::notification_priority[], $5::text[], $6::uuid[], $7::text[], $8::uuid[], $9::text[],
                              $10::text[])
         RETURNING ${COLUMNS}
       ), counted AS (
         INSERT INTO notification_counters (user_id, shard, unread_count)
         SELECT user_id, ${SHARD}, count(*) FROM inserted GROUP BY user_id
         ON CONFLICT (user_id, shard) DO UPDATE SET unread_count = notification_counters.unread_count + EXCLUDED.unread_count
       )
       SELECT coalesce(json_agg(inserted), '[]') AS rows${emailPreferences} FROM inserted`,
      [
        items.map((i) => i.userId), items.map((i) => i.title), items.map((i) => i.message), items.map((i) => i.priority),
        items.map((i) => i.entityType), items.map((i) => i.entityId), items.map((i) => i.linkUrl), items.map((i) => i.ruleId),
        items.map((i) => i.ruleName), items.map((i) => i.scopeCode),
      ],
    );
    return { rows: result.rows, emailPreferences: new Map(Object.entries(result.email_preferences ?? {})) };
  }

  /**
   * A page of a user's notifications, newest first: `limit` rows created before `before` (a keyset cursor)
   * when given; none about a case the reader may no longer see. Timestamps come back as ISO strings.
   */
  list(reader: NotificationReader, limit: number, unreadOnly: boolean, before?: { createdAt: string; id: string }): Promise<NotificationRow[]> {
    const params: unknown[] = [reader.userId, limit];
    let where = 'user_id = $1';
    if (reader.scopes) {
      params.push(reader.scopes);
      where += ` AND ${visibleTo(params.length)}`;
    }
    if (unreadOnly) where += ' AND NOT is_read';
    if (before) {
      params.push(before.createdAt, before.id);
      where += ` AND (created_at, id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`;
    }
    return this.dataSource.query(
      `SELECT ${LIST_COLUMNS} FROM notifications WHERE ${where} ORDER BY notifications.created_at DESC, id DESC LIMIT $2`, params);
  }

  /**
   * Committed unread counts: the sum of each reader's counter shards (readers without any are absent), less their
   * unread notifications about cases they may no longer see. Only readers limited to some scopes have any such rows
   * to look at; for the others (admins, all-scopes users) the count is one read of the counter shards.
   */
  async unreadCounts(readers: NotificationReader[]): Promise<Array<{ user_id: string; n: number }>> {
    const limited = readers.filter((r) => r.scopes).map((r) => ({ user_id: r.userId, scopes: r.scopes }));
    const counters = `SELECT user_id, sum(unread_count) AS n FROM notification_counters WHERE user_id = ANY($1::uuid[]) GROUP BY user_id`;
    if (!limited.length) return this.dataSource.query(`SELECT user_id, n::int AS n FROM (${counters}) c`, [readers.map((r) => r.userId)]);
    return this.dataSource.query(
      `SELECT c.user_id, (c.n - COALESCE(h.n, 0))::int AS n
         FROM (${counters}) c
         LEFT JOIN (SELECT n.user_id, count(*) AS n
                      FROM jsonb_to_recordset($2::jsonb) AS r(user_id uuid, scopes text[])
                      JOIN notifications n ON n.user_id = r.user_id
                     WHERE NOT n.is_read AND n.scope_code IS NOT NULL AND NOT (n.scope_code = ANY (r.scopes))
                     GROUP BY n.user_id) h ON h.user_id = c.user_id`,
      [readers.map((r) => r.userId), JSON.stringify(limited)]);
  }

  /** Marks one unread notification read; the row when it changed, else undefined (already read, or not the user's). */
  async markRead(uow: UnitOfWork, userId: string, id: string): Promise<NotificationRow | undefined> {
    const [rows]: [NotificationRow[], number] = await uow.manager.query(
      `UPDATE notifications SET is_read = true, read_at = now() WHERE id = $1 AND user_id = $2 AND NOT is_read RETURNING ${COLUMNS}`,
      [id, userId]);
    return rows[0];
  }

  async find(uow: UnitOfWork, userId: string, id: string): Promise<NotificationRow | undefined> {
    const rows: NotificationRow[] = await uow.manager.query(`SELECT ${COLUMNS} FROM notifications WHERE id = $1 AND user_id = $2`, [id, userId]);
    return rows[0];
  }

  /** Marks every unread notification of the user read; returns how many. */
  async markAllRead(uow: UnitOfWork, userId: string): Promise<number> {
    const [, n] = await uow.manager.query(
      `UPDATE notifications SET is_read = true, read_at = now() WHERE user_id = $1 AND NOT is_read`, [userId]);
    return Number(n);
  }

  /** Adds `delta` to the user's unread counter, on this connection's shard. */
  async adjustCounter(uow: UnitOfWork, userId: string, delta: number): Promise<void> {
    await uow.manager.query(
      `INSERT INTO notification_counters (user_id, shard, unread_count) VALUES ($1, ${SHARD}, $2)
       ON CONFLICT (user_id, shard) DO UPDATE SET unread_count = notification_counters.unread_count + EXCLUDED.unread_count`,
      [userId, delta]);
  }

  async savePreferences(userId: string, prefs: Preferences): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO notification_preferences (user_id, min_toast_priority, muted_rule_ids, quiet_hours, desktop, updated_at)
       VALUES ($1, $2, $3, $4, $5, now())
       ON CONFLICT (user_id) DO UPDATE SET min_toast_priority = EXCLUDED.min_toast_priority,
         muted_rule_ids = EXCLUDED.muted_rule_ids, quiet_hours = EXCLUDED.quiet_hours, desktop = EXCLUDED.desktop, updated_at = now()`,
      [userId, prefs.minToastPriority, prefs.mutedRuleIds, prefs.quietHours ? JSON.stringify(prefs.quietHours) : null, prefs.desktop]);
  }

  /** Saved preferences of these users (users who never saved any are absent). */
  async preferencesOf(userIds: string[]): Promise<Map<string, Preferences>> {
    const rows: Array<{ user_id: string; min_toast_priority: NotificationPriority; muted_rule_ids: string[]; quiet_hours: Preferences['quietHours'];
      desktop: boolean }> =
      await this.dataSource.query(
        `SELECT user_id, min_toast_priority, muted_rule_ids, quiet_hours, desktop FROM notification_preferences WHERE user_id = ANY($1)`, [userIds]);
    return new Map(rows.map((r) => [r.user_id, {
      minToastPriority: r.min_toast_priority, mutedRuleIds: r.muted_rule_ids, quietHours: r.quiet_hours, desktop: r.desktop,
    }]));
  }

  /**
   * The name each of these rules had in the newest of the user's notifications it sent (rules with none are absent):
   * how the settings page names a muted rule without reading the workflows tables.
   */
  async ruleNamesSeenBy(userId: string, ruleIds: string[]): Promise<Map<string, string>> {
    if (!ruleIds.length) return new Map();
    const rows: Array<{ rule_id: string; rule_name: string }> = await this.dataSource.query(
      `SELECT DISTINCT ON (rule_id) rule_id, rule_name FROM notifications
        WHERE user_id = $1 AND rule_id = ANY($2::uuid[]) AND rule_name IS NOT NULL
        ORDER BY rule_id, created_at DESC`, [userId, ruleIds]);
    return new Map(rows.map((r) => [r.rule_id, r.rule_name]));
  }

  /** Saves the user's e-mail preferences (the `email` column only: the toast preferences stay). */
  async saveEmailPreferences(userId: string, email: EmailPreferences): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO notification_preferences (user_id, email, updated_at) VALUES ($1, $2, now())
       ON CONFLICT (user_id) DO UPDATE SET email = EXCLUDED.email, updated_at = now()`, [userId, JSON.stringify(email)]);
  }

  /** Saved e-mail preferences of these users, as stored (users who never chose are absent). */
  async emailPreferencesOf(userIds: string[], executor?: Executor): Promise<Map<string, Partial<EmailPreferences>>> {
    const rows: Array<{ user_id: string; email: Partial<EmailPreferences> }> = await managerOf(executor, this.dataSource.manager).query(
      `SELECT user_id, email FROM notification_preferences WHERE user_id = ANY($1::uuid[]) AND email IS NOT NULL`, [userIds]);
    return new Map(rows.map((r) => [r.user_id, r.email]));
  }

  /** Deletes up to `limit` READ notifications created more than `days` ago; returns how many (unread ones stay: the counters count them). */
  async deleteReadOlderThan(days: number, limit: number, executor?: Executor): Promise<number> {
    const [, n] = await managerOf(executor, this.dataSource.manager).query(
      `DELETE FROM notifications WHERE id IN (
         SELECT id FROM notifications WHERE is_read AND created_at < now() - make_interval(days => $1) LIMIT $2)`, [days, limit]);
    return Number(n);
  }
}
