import { describe, expect, it } from '@jest/globals';
import { BadRequestException, Logger, NotFoundException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { UnitOfWork, type TransactionRunner } from '../database/unit-of-work';
import type { InsertedNotifications, NotificationDraft, NotificationReader, NotificationRepository, NotificationRow } from './notification.repository';
import type { SocketOutlet } from '../realtime/socket-outlet';
import type { UsersService } from '../users/users.service';
import { NotificationsService, type Reader } from './notifications.service';
import type { Preferences } from './quiet-hours';
import { DEFAULT_EMAIL_PREFERENCES, type EmailPreferences } from '../../../contracts/email';
import type { EmailService } from '../email/email.service';

/**
 * The notification rules against an in-memory repository (no database): what counts as unread, what is
 * pushed when, which toasts a user's preferences let through. notifications.e2e.spec.ts covers the SQL.
 */
class InMemoryNotifications implements Pick<NotificationRepository,
  'insertMany' | 'list' | 'unreadCounts' | 'markRead' | 'find' | 'markAllRead' | 'adjustCounter' | 'savePreferences' | 'preferencesOf' | 'ruleNamesSeenBy'
  | 'saveEmailPreferences' | 'emailPreferencesOf'> {
  readonly rows: Array<NotificationRow & { scope_code: string | null }> = [];
  readonly counters = new Map<string, number>();
  readonly prefs = new Map<string, Preferences>();
  readonly emailPrefs = new Map<string, EmailPreferences>();
  private clock = Date.parse('2026-02-01T09:00:00.000Z');

  async insertMany(_uow: UnitOfWork, items: NotificationDraft[], options: { emailPreferences: boolean }): Promise<InsertedNotifications> {
    const rows = items.map((i) => ({
      id: randomUUID(), user_id: i.userId, title: i.title, message: i.message, priority: i.priority, entity_type: i.entityType,
      entity_id: i.entityId, link_url: i.linkUrl, rule_id: i.ruleId, rule_name: i.ruleName, is_read: false, created_at: new Date(this.clock += 1000), read_at: null,
      scope_code: i.scopeCode,
    }));
    this.rows.push(...rows);
    for (const r of rows) await this.adjustCounter(_uow, r.user_id, 1);
    return { rows, emailPreferences: options.emailPreferences ? await this.emailPreferencesOf(items.map((i) => i.userId)) : new Map() };
  }
  private visible(reader: NotificationReader, r: { scope_code: string | null }): boolean {
    return !reader.scopes || r.scope_code === null || reader.scopes.includes(r.scope_code);
  }
  async list(reader: NotificationReader, limit: number, unreadOnly: boolean, before?: { createdAt: string; id: string }): Promise<NotificationRow[]> {
    return this.rows.filter((r) => r.user_id === reader.userId && this.visible(reader, r) && (!unreadOnly || !r.is_read)
      && (!before || new Date(r.created_at).getTime() < Date.parse(before.createdAt)))
      .sort((a, b) => new Date(b.created_at).getTime() - new Date(a.created_at).getTime()).slice(0, limit);
  }
  async unreadCounts(readers: NotificationReader[]): Promise<Array<{ user_id: string; n: number }>> {
    return readers.filter((r) => this.counters.has(r.userId)).map((reader) => ({
      user_id: reader.userId,
      n: this.counters.get(reader.userId)! - this.rows.filter((r) => r.user_id === reader.userId && !r.is_read && !this.visible(reader, r)).length,
    }));
  }
  async markRead(_uow: UnitOfWork, userId: string, id: string): Promise<NotificationRow | undefined> {
    const row = this.rows.find((r) => r.id === id && r.user_id === userId && !r.is_read);
    if (row) Object.assign(row, { is_read: true, read_at: new Date() });
    return row;
  }
  async find(_uow: UnitOfWork, userId: string, id: string): Promise<NotificationRow | undefined> {
    return this.rows.find((r) => r.id === id && r.user_id === userId);
  }
  async markAllRead(_uow: UnitOfWork, userId: string): Promise<number> {
    const unread = this.rows.filter((r) => r.user_id === userId && !r.is_read);
    for (const r of unread) Object.assign(r, { is_read: true, read_at: new Date() });
    return unread.length;
  }
  async adjustCounter(_uow: UnitOfWork, userId: string, delta: number): Promise<void> {
    this.counters.set(userId, (this.counters.get(userId) ?? 0) + delta);
  }
  async savePreferences(userId: string, prefs: Preferences): Promise<void> {
    this.prefs.set(userId, prefs);
  }
  async saveEmailPreferences(userId: string, email: EmailPreferences): Promise<void> {
    this.emailPrefs.set(userId, email);
  }
  async emailPreferencesOf(userIds: string[]): Promise<Map<string, EmailPreferences>> {
    return new Map(userIds.filter((id) => this.emailPrefs.has(id)).map((id) => [id, this.emailPrefs.get(id)!]));
  }
  async preferencesOf(userIds: string[]): Promise<Map<string, Preferences>> {
    return new Map(userIds.filter((id) => this.prefs.has(id)).map((id) => [id, this.prefs.get(id)!]));
  }
  async ruleNamesSeenBy(userId: string, ruleIds: string[]): Promise<Map<string, string>> {
    const names = new Map<string, string>();
    const newestFirst = [...this.rows].sort((a, b) => new Date(b.created_at).getTime() - new Date(a.created_at).getTime());
    for (const r of newestFirst) {
      if (r.user_id === userId && r.rule_id && ruleIds.includes(r.rule_id) && r.rule_name && !names.has(r.rule_id)) names.set(r.rule_id, r.rule_name);
    }
    return names;
  }
}

function setup() {
  const repo = new InMemoryNotifications();
  const pushed: Array<{ kind: 'notification' | 'count'; userId: string; payload: unknown }> = [];
  // The outlet's only job here is to say who got what: the room names a user, the event says what it carries.
  const outlet = {
    emit: (to: string[], event: string, payload: unknown) => {
      for (const room of to) {
        const userId = room.replace(/^user:/, '');
        if (event === 'notification') pushed.push({ kind: 'notification', userId, payload });
        else pushed.push({ kind: 'count', userId, payload: (payload as { count: number }).count });
      }
    },
  } as unknown as SocketOutlet;
  const tx = {
    async run<T>(work: (uow: UnitOfWork) => Promise<T>, existing?: UnitOfWork): Promise<T> {
      if (existing) return work(existing);
      const uow = new UnitOfWork({} as EntityManager);
      const result = await work(uow);
      await uow.flush(new Logger('test'));
      return result;
    },
  } as unknown as TransactionRunner;
  /** Who the users are: everyone here sees every scope unless the test says otherwise. */
  const people = new Map<string, Reader>();
  const users = {
    findManyByIds: async (ids: string[]) => ids.map((id) => people.get(id) ?? { id, role: 'INVESTIGATOR', scopeCodes: [] }),
  } as unknown as UsersService;
    // No SMTP_URL: the e-mail channel queues nothing (email.e2e.spec.ts covers it against a real SMTP server).
  const email = { configured: false, preferencesChanged: async () => undefined } as unknown as EmailService;
  const service = new NotificationsService(repo as unknown as NotificationRepository, tx, outlet, users, email);
  /** Lets the delivery queue (which waits one setImmediate for the rest of a burst) push. */
  const delivered = () => new Promise((resolve) => setTimeout(resolve, 5));
  return { repo, pushed, service, delivered, people };
}

const annId = 'a0000000-0000-4000-8000-00000000000a';
const bobId = 'b0000000-0000-4000-8000-00000000000b';
const ann: Reader = { id: annId, role: 'INVESTIGATOR', scopeCodes: [] };
const bob: Reader = { id: bobId, role: 'INVESTIGATOR', scopeCodes: [] };

describe('NotificationsService (in memory)', () => {
  it('created notifications count as unread and reach the socket after commit, with toast decided by preferences', async () => {
    const { service, pushed, repo, delivered } = setup();
    const mutedRule = 'c0000000-0000-4000-8000-00000000000c';
    repo.prefs.set(bobId, { minToastPriority: 'HIGH', mutedRuleIds: [mutedRule], quietHours: null, desktop: false });
    const views = await service.createMany([
      { userId: annId, title: 'A', message: 'a' },
      { userId: bobId, title: 'B low', message: 'b', priority: 'NORMAL' },
      { userId: bobId, title: 'B muted', message: 'b', priority: 'URGENT', ruleId: mutedRule },
      { userId: bobId, title: 'B urgent', message: 'b', priority: 'URGENT' },
    ]);
    expect(views[0]).toMatchObject({ priority: 'NORMAL', entityType: null, linkUrl: null, isRead: false, readAt: null });
    await delivered();
    const toasts = pushed.filter((p) => p.kind === 'notification').map((p) => [(p.payload as { title: string }).title, (p.payload as { toast: boolean }).toast]);
    expect(toasts).toEqual([['A', true], ['B low', false], ['B muted', false], ['B urgent', true]]);
    expect(pushed.filter((p) => p.kind === 'count').map((p) => [p.userId, p.payload])).toEqual([[annId, 1], [bobId, 3]]);
    expect(await service.unreadCount(bob)).toBe(3);
  });

  it('marking read counts down once; marking it again changes nothing and pushes nothing', async () => {
    const { service, pushed, delivered } = setup();
    const [n] = await service.createMany([{ userId: annId, title: 'A', message: 'a' }, { userId: annId, title: 'A2', message: 'a' }]);
    await delivered();
    pushed.length = 0;
    expect(await service.markRead(ann, n.id)).toMatchObject({ id: n.id, isRead: true });
    expect(pushed).toEqual([{ kind: 'count', userId: annId, payload: 1 }]);
    expect((await service.markRead(ann, n.id)).isRead).toBe(true);
    expect(await service.unreadCount(ann)).toBe(1);
    expect(pushed).toHaveLength(1);
  });

  it("another user's notification, or one that does not exist, is a 404", async () => {
    const { service } = setup();
    const [n] = await service.createMany([{ userId: annId, title: 'A', message: 'a' }]);
    await expect(service.markRead(bob, n.id)).rejects.toThrow(NotFoundException);
    await expect(service.markRead(ann, randomUUID())).rejects.toThrow(NotFoundException);
  });

  it('mark-all-read subtracts exactly what it marked, so a count never goes below what is unread', async () => {
    const { service, repo } = setup();
    await service.createMany([{ userId: annId, title: '1', message: 'a' }, { userId: annId, title: '2', message: 'a' }, { userId: bobId, title: 'b', message: 'b' }]);
    expect(await service.markAllRead(ann)).toEqual({ updated: 2 });
    expect(await service.markAllRead(ann)).toEqual({ updated: 0 });
    expect(repo.counters.get(annId)).toBe(0);
    expect(await service.unreadCount(bob)).toBe(1);
  });

  it('pages newest first and gives a cursor only when there is more', async () => {
    const { service } = setup();
    await service.createMany(['1', '2', '3'].map((title) => ({ userId: annId, title, message: 'm' })));
    const first = await service.list(ann, { limit: 2 } as never);
    expect(first.items.map((i) => i.title)).toEqual(['3', '2']);
    expect(first.nextCursor).not.toBeNull();
    const second = await service.list(ann, { limit: 2, cursor: first.nextCursor! } as never);
    expect(second.items.map((i) => i.title)).toEqual(['1']);
    expect(second.nextCursor).toBeNull();
  });

  it('preferences: defaults until saved; muted rules stored once; an unknown time zone is a 400 naming it', async () => {
    const { service } = setup();
    expect(await service.preferences(annId)).toEqual({ minToastPriority: 'LOW', mutedRuleIds: [], quietHours: null, desktop: false, email: DEFAULT_EMAIL_PREFERENCES });
    const rule = 'c0000000-0000-4000-8000-00000000000c';
    await service.savePreferences(annId, { minToastPriority: 'HIGH', mutedRuleIds: [rule, rule], quietHours: { start: '22:00', end: '07:00', timeZone: 'Europe/Paris' } });
    expect(await service.preferences(annId)).toEqual({
      minToastPriority: 'HIGH', mutedRuleIds: [rule], quietHours: { start: '22:00', end: '07:00', timeZone: 'Europe/Paris' }, desktop: false, email: DEFAULT_EMAIL_PREFERENCES,
    });
    const error = await service.savePreferences(annId, { minToastPriority: 'LOW', mutedRuleIds: [], quietHours: { start: '22:00', end: '07:00', timeZone: 'Mars/Olympus' } })
      .then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(BadRequestException);
    expect((error as BadRequestException).getResponse()).toMatchObject({ message: ['quietHours.timeZone: unknown time zone "Mars/Olympus"'] });
    expect((await service.preferences(annId)).minToastPriority).toBe('HIGH');
  });

  it("hides notifications about a case of a scope the reader may no longer see, from the list, the count and the count pushed", async () => {
    const { service, pushed, delivered, people } = setup();
    const limited: Reader = { id: bobId, role: 'INVESTIGATOR', scopeCodes: ['FIN'] };
    people.set(bobId, limited);
    await service.createMany([
      { userId: bobId, title: 'fin', message: 'm', entityType: 'case', entityId: randomUUID(), scopeCode: 'FIN' },
      { userId: bobId, title: 'hr', message: 'm', entityType: 'case', entityId: randomUUID(), scopeCode: 'HR' },
      { userId: bobId, title: 'no case', message: 'm' },
    ]);
    await delivered();
    expect(pushed.filter((p) => p.kind === 'count')).toEqual([{ kind: 'count', userId: bobId, payload: 2 }]);
    expect((await service.list(limited, { limit: 10 } as never)).items.map((n) => n.title)).toEqual(['no case', 'fin']);
    expect(await service.unreadCount(limited)).toBe(2);
    // With every scope again (or as an admin), it is back.
    expect(await service.unreadCount({ ...limited, scopeCodes: [] })).toBe(3);
    expect((await service.list({ ...limited, role: 'ADMIN' }, { limit: 10 } as never)).items).toHaveLength(3);
  });

  it('desktop: saved when given, kept as it was when a client leaves it out', async () => {
    const { service } = setup();
    const base = { minToastPriority: 'LOW' as const, mutedRuleIds: [], quietHours: null };
    expect((await service.savePreferences(annId, { ...base, desktop: true })).desktop).toBe(true);
    expect((await service.savePreferences(annId, { ...base, minToastPriority: 'HIGH' })).desktop).toBe(true);
    expect(await service.preferences(annId)).toMatchObject({ minToastPriority: 'HIGH', desktop: true });
    expect((await service.savePreferences(annId, { ...base, desktop: false })).desktop).toBe(false);
  });

  it('a notification carries the rule that sent it and its name then; muted rules are named from the newest one', async () => {
    const { service } = setup();
    const rule = 'c0000000-0000-4000-8000-00000000000c';
    const forgotten = 'd0000000-0000-4000-8000-00000000000d';
    const [manual] = await service.createMany([{ userId: annId, title: 'by hand', message: 'm' }]);
    expect(manual).toMatchObject({ ruleId: null, ruleName: null });
    await service.createMany([{ userId: annId, title: 'old', message: 'm', ruleId: rule, ruleName: 'Old name' }]);
    const [renamed] = await service.createMany([{ userId: annId, title: 'new', message: 'm', ruleId: rule, ruleName: 'New name' }]);
    expect(renamed).toMatchObject({ ruleId: rule, ruleName: 'New name' });
    expect((await service.list(ann, { limit: 10 } as never)).items.map((i) => i.ruleName)).toEqual(['New name', 'Old name', null]);
    await service.savePreferences(annId, { minToastPriority: 'LOW', mutedRuleIds: [rule, forgotten], quietHours: null });
    expect(await service.mutedRules(annId)).toEqual([{ ruleId: rule, ruleName: 'New name' }, { ruleId: forgotten, ruleName: null }]);
    expect(await service.mutedRules(bobId)).toEqual([]);
  });
});
