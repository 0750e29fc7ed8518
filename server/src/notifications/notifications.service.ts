import { BadRequestException, Injectable, NotFoundException } from '@nestjs/common';
import { visibleScopes, type AuthUser } from '../common/auth-user';
import type { NotificationPriority } from '../common/enums';
import { TransactionRunner, type UnitOfWork } from '../database/unit-of-work';
import { decodeCursor, encodeCursor } from './cursor';
import { NotificationRepository, type NotificationReader, type NotificationRow } from './notification.repository';
import type { ListNotificationsQuery, NotificationPreferencesDto, NotificationView } from './dto/notification.dto';
import type { MutedRule } from '../../../contracts/api';
import { NotificationDeliveryQueue } from '../realtime/notification-delivery';
import { rooms } from '../realtime/rooms';
import { SocketOutlet } from '../realtime/socket-outlet';
import { UsersService } from '../users/users.service';
import { DEFAULT_PREFERENCES, isValidTimeZone, type Preferences } from './quiet-hours';
import type { NotificationPreferences } from '../../../contracts/api';
import { EmailService } from '../email/email.service';
import { completeEmailPreferences } from '../email/email-preferences';
import type { EmailPreferences } from '../../../contracts/email';

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
  /** That rule's name now (kept with the notification, so the list names the rule as it was). */
  ruleName?: string | null;
  /**
   * With entityType 'case': that case's scope code. It is kept with the notification so that users who may no longer
   * see that scope do not see the notification either (in the list and the counts).
   */
  scopeCode?: string | null;
}

/** Who reads notifications: their id, and their role and scopes as they are now. */
export type Reader = Pick<AuthUser, 'id' | 'role' | 'scopeCodes'>;

const readerOf = (user: Reader): NotificationReader => ({ userId: user.id, scopes: visibleScopes(user) });

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
function iso(value: Date | string): string {
  return typeof value === 'string' && ISO_UTC.test(value) ? value : new Date(value).toISOString();
}

function toView(r: NotificationRow): NotificationView {
  return {
    id: r.id, userId: r.user_id, title: r.title, message: r.message, priority: r.priority, entityType: r.entity_type,
    entityId: r.entity_id, linkUrl: r.link_url, isRead: r.is_read, createdAt: iso(r.created_at),
    readAt: r.read_at ? iso(r.read_at) : null, ruleId: r.rule_id, ruleName: r.rule_name,
  };
}

/**
 * Stores notifications and keeps each user's unread counter in the same
 * transaction; pushes to sockets only after that transaction commits.
 */
@Injectable()
export class NotificationsService {
  constructor(
    private readonly notifications: NotificationRepository,
    private readonly tx: TransactionRunner,
    private readonly outlet: SocketOutlet,
    private readonly users: UsersService,
    private readonly email: EmailService,
  ) {
    this.delivery = new NotificationDeliveryQueue(
      { preferencesOf: (ids) => this.preferencesOf(ids), unreadCounts: async (ids) => this.unreadCounts(await this.users.findManyByIds(ids)) }, outlet);
  }

  private readonly delivery: NotificationDeliveryQueue;

  /**
   * Sends notifications in `uow`. In an optimistic unit (an engine batch) they are written with the rest of the
   * unit's, in one INSERT just before its commit, instead of one INSERT per action.
   */
  async send(items: NewNotification[], uow: UnitOfWork): Promise<void> {
    if (!items.length) return;
    await uow.writeAtCommitIfOptimistic('notifications', items, async (unit, all) => { await this.createMany(all, unit); });
  }

  /** One INSERT for any number of recipients, inside the caller's transaction when given. */
  async createMany(items: NewNotification[], uow?: UnitOfWork): Promise<NotificationView[]> {
    if (!items.length) return [];
    return this.tx.run(async (u) => {
      const drafts = items.map((i) => ({
        userId: i.userId, title: i.title, message: i.message, priority: i.priority ?? 'NORMAL' as const, entityType: i.entityType ?? null,
        entityId: i.entityId ?? null, linkUrl: i.linkUrl ?? null, ruleId: i.ruleId ?? null,
        ruleName: i.ruleId ? i.ruleName ?? null : null, scopeCode: i.scopeCode ?? null,
      }));
      const { rows, emailPreferences } = await this.notifications.insertMany(u, drafts, { emailPreferences: this.email.configured });
      const views = rows.map(toView);
      if (this.email.configured) await this.queueEmail(u, views, emailPreferences);
      u.afterCommit(() => this.delivery.enqueue(views.map((view, i) => ({ view, ruleId: rows[i].rule_id }))));
      return views;
    }, uow);
  }

  /** Newest first; none about a case of a scope the reader may no longer see. */
  async list(reader: Reader, query: ListNotificationsQuery): Promise<{ items: NotificationView[]; nextCursor: string | null }> {
    const rows = await this.notifications.list(readerOf(reader), query.limit + 1, !!query.unreadOnly, query.cursor ? decodeCursor(query.cursor) : undefined);
    const page = rows.slice(0, query.limit);
    const last = page[page.length - 1];
    return {
      items: page.map(toView),
      nextCursor: rows.length > query.limit && last ? encodeCursor(new Date(last.created_at), last.id) : null,
    };
  }

  async unreadCount(reader: Reader): Promise<number> {
    return (await this.unreadCounts([reader])).get(reader.id) ?? 0;
  }

  /** Committed unread counts, less those about cases each reader may no longer see. */
  private async unreadCounts(readers: Reader[]): Promise<Map<string, number>> {
    if (!readers.length) return new Map();
    const rows = await this.notifications.unreadCounts(readers.map(readerOf));
    return new Map(readers.map((r) => [r.id, Math.max(0, rows.find((row) => row.user_id === r.id)?.n ?? 0)]));
  }

  async markRead(reader: Reader, id: string): Promise<NotificationView> {
    const userId = reader.id;
    const { view, changed } = await this.tx.run(async (u) => {
      const marked = await this.notifications.markRead(u, userId, id);
      if (marked) {
        await this.notifications.adjustCounter(u, userId, -1);
        return { view: toView(marked), changed: true };
      }
      const existing = await this.notifications.find(u, userId, id);
      if (!existing) throw new NotFoundException('notification not found');
      return { view: toView(existing), changed: false };
    });
    if (changed) this.outlet.emit([rooms.user(userId)], 'notifications:unread-count', { count: await this.unreadCount(reader) });
    return view;
  }

  async markAllRead(reader: Reader): Promise<{ updated: number }> {
    const userId = reader.id;
    const updated = await this.tx.run(async (u) => {
      const n = await this.notifications.markAllRead(u, userId);
      // Subtract what was marked, rather than setting zero: a notification committed meanwhile stays counted.
      if (n) await this.notifications.adjustCounter(u, userId, -n);
      return n;
    });
    this.outlet.emit([rooms.user(userId)], 'notifications:unread-count', { count: await this.unreadCount(reader) });
    return { updated };
  }

  async preferences(userId: string): Promise<NotificationPreferences> {
    const [toast, email] = await Promise.all([this.preferencesOf([userId]), this.notifications.emailPreferencesOf([userId])]);
    return { ...(toast.get(userId) ?? DEFAULT_PREFERENCES), email: completeEmailPreferences(email.get(userId)) };
  }

  async savePreferences(userId: string, dto: NotificationPreferencesDto): Promise<NotificationPreferences> {
    if (dto.quietHours && !isValidTimeZone(dto.quietHours.timeZone)) {
      throw new BadRequestException([`quietHours.timeZone: unknown time zone "${dto.quietHours.timeZone}"`]);
    }
    const prefs: Preferences = {
      minToastPriority: dto.minToastPriority,
      mutedRuleIds: [...new Set(dto.mutedRuleIds)],
      quietHours: dto.quietHours ? { start: dto.quietHours.start, end: dto.quietHours.end, timeZone: dto.quietHours.timeZone } : null,
      // A client that does not know about desktop notifications leaves the user's choice as it was.
      desktop: dto.desktop ?? (await this.preferences(userId)).desktop,
    };
    await this.notifications.savePreferences(userId, prefs);
    return { ...prefs, email: await this.saveEmailPreferences(userId, dto.email) };
  }

  /** The `email` part of a PUT: saved when given, else the saved one stays. */
  private async saveEmailPreferences(userId: string, email: NotificationPreferencesDto['email']): Promise<NotificationPreferences['email']> {
    if (!email) return completeEmailPreferences((await this.notifications.emailPreferencesOf([userId])).get(userId));
    const saved = { enabled: email.enabled, minPriority: email.minPriority, onlyWhenOffline: email.onlyWhenOffline, digest: email.digest };
    await this.notifications.saveEmailPreferences(userId, saved);
    await this.email.preferencesChanged(userId, saved);
    return saved;
  }

  /** Hands the new notifications to the e-mail channel, which queues their mails in this same transaction. */
  private async queueEmail(uow: UnitOfWork, views: NotificationView[], saved: Map<string, Partial<EmailPreferences>>): Promise<void> {
    const prefs = new Map([...saved].map(([id, p]) => [id, completeEmailPreferences(p)]));
    await this.email.queueForNotifications(uow, views, prefs);
  }

  /** The caller's muted rules, each named as the newest of their notifications from it named it (null: none left). */
  async mutedRules(userId: string): Promise<MutedRule[]> {
    const { mutedRuleIds } = await this.preferences(userId);
    const names = await this.notifications.ruleNamesSeenBy(userId, mutedRuleIds);
    return mutedRuleIds.map((ruleId) => ({ ruleId, ruleName: names.get(ruleId) ?? null }));
  }

  private preferencesOf(userIds: string[]): Promise<Map<string, Preferences>> {
    return this.notifications.preferencesOf(userIds);
  }
}
