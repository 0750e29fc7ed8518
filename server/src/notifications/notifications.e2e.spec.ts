import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { JwtService } from '@nestjs/jwt';
import { bearer, eventually, startTestApp, type TestApp, type TestUser } from '../../test/harness';
import { connectError, connectSocket, sleep } from '../../test/sockets';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { WORKFLOW_RUN_RECORDED, type WorkflowRunRecorded } from '../realtime/committed-events';
import { NotificationsService } from './notifications.service';
import { makeRule, patchCase, settle } from '../../test/workflow-fixtures';

describe('notifications: REST and sockets', () => {
  let t: TestApp;
  let admin: TestUser;
  let alice: TestUser;
  let bob: TestUser;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await t.makeUser({ role: 'ADMIN' });
    alice = await t.makeUser({ role: 'INVESTIGATOR' });
    bob = await t.makeUser({ role: 'INVESTIGATOR' });
  });
  afterAll(() => t.close());

  const notify = (userId: string, title: string, priority: 'LOW' | 'NORMAL' | 'HIGH' | 'URGENT' = 'NORMAL') =>
    t.get(NotificationsService).createMany([{ userId, title, message: `${title} body`, priority }]);

  it('delivers each user only their own notifications and counts, on every tab; mark-read in one tab updates the other', async () => {
    const [a1, a2, b1] = await Promise.all([connectSocket(t.url, alice.token), connectSocket(t.url, alice.token), connectSocket(t.url, bob.token)]);
    try {
      await notify(alice.id, 'For Alice');
      await notify(bob.id, 'For Bob');
      const [n1, n2, nb] = await Promise.all([
        a1.next('notification', (n) => n.title === 'For Alice'),
        a2.next('notification', (n) => n.title === 'For Alice'),
        b1.next('notification', (n) => n.title === 'For Bob'),
      ]);
      expect(n1).toMatchObject({ userId: alice.id, title: 'For Alice', priority: 'NORMAL', isRead: false });
      expect(n2.id).toBe(n1.id);
      expect(nb.userId).toBe(bob.id);
      await a1.next('notifications:unread-count', (c) => c.count === 1);
      await sleep(200);
      expect(a1.of('notification').map((n) => n.title)).toEqual(['For Alice']);
      expect(b1.of('notification').map((n) => n.title)).toEqual(['For Bob']);

      // Tab 1 marks it read over REST; tab 2 sees the count drop.
      await t.http().patch(`/api/v1/notifications/${n1.id}/read`).set(...bearer(alice)).expect(200);
      await a2.next('notifications:unread-count', (c) => c.count === 0);
      expect(b1.of('notifications:unread-count').every((c) => c.count === 1)).toBe(true);
    } finally {
      for (const s of [a1, a2, b1]) s.close();
    }
  });

  it('refuses sockets without a valid token in the handshake', async () => {
    expect(await connectError(t.url, {})).toBeInstanceOf(Error);
    expect(await connectError(t.url, { token: 'garbage' })).toBeInstanceOf(Error);
    const forged = new JwtService().sign({ sub: alice.id, ver: 0, jti: randomUUID() }, { secret: 'another-secret-of-sufficient-length-xxxxxxxx' });
    expect(await connectError(t.url, { token: forged })).toBeInstanceOf(Error);
    const expired = new JwtService().sign({ sub: alice.id, ver: 0, jti: randomUUID(), exp: Math.floor(Date.now() / 1000) - 10 }, { secret: t.server.config.jwtSecret });
    expect(await connectError(t.url, { token: expired })).toBeInstanceOf(Error);
    expect(await connectError(t.url, { token: alice.token })).toBeNull();
  });

  it('sends workflow:history to admins only', async () => {
    const [adm, inv] = await Promise.all([connectSocket(t.url, admin.token), connectSocket(t.url, alice.token)]);
    try {
      const recorded: WorkflowRunRecorded = {
        history: {
          id: 'h1', ruleId: 'r1', ruleName: 'r', caseId: 'c1', caseNumber: 'FIN-2026-0001', eventId: 'e1', eventName: 'case.created',
          triggerData: {}, actionsExecuted: [], success: true, errorMessage: null, skippedReason: null, depth: 0, durationMs: 1,
          retryOf: null, createdAt: new Date().toISOString(),
        },
        timelineWrittenOn: null,
      };
      t.get(EventEmitter2).emit(WORKFLOW_RUN_RECORDED, recorded);
      await adm.next('workflow:history', (h) => h.id === 'h1');
      await sleep(200);
      expect(inv.of('workflow:history')).toEqual([]);
    } finally {
      adm.close();
      inv.close();
    }
  });

  it('sends case:updated only to users who may see the case scope', async () => {
    const hrOnly = await t.makeUser({ role: 'INVESTIGATOR', scopeCodes: ['HR'] });
    const [all, hr] = await Promise.all([connectSocket(t.url, alice.token), connectSocket(t.url, hrOnly.token)]);
    try {
      const fin = await t.makeCase(admin, { scopeCode: 'FIN', title: 'fin case' });
      const hrCase = await t.makeCase(admin, { scopeCode: 'HR', title: 'hr case' });
      await all.next('case:updated', (c) => c.id === fin.id);
      await hr.next('case:updated', (c) => c.id === hrCase.id);
      await sleep(200);
      expect(hr.of('case:updated').some((c) => c.id === fin.id)).toBe(false);
    } finally {
      all.close();
      hr.close();
    }
  });

  it('delivers every case changed within one coalescing window, not only the first', async () => {
    const s = await connectSocket(t.url, alice.token);
    try {
      const made = await Promise.all([1, 2, 3, 4, 5].map((i) => t.makeCase(admin, { scopeCode: 'FIN', title: `burst ${i}` })));
      for (const c of made) await s.next('case:updated', (u) => u.id === c.id, 5000);
    } finally {
      s.close();
    }
  });

  it('closes a socket when its token expires', async () => {
    const shortLived = new JwtService().sign({ sub: alice.id, ver: 0, jti: randomUUID() }, { secret: t.server.config.jwtSecret, expiresIn: 2 });
    const s = await connectSocket(t.url, shortLived);
    const started = Date.now();
    await new Promise((resolve) => s.socket.once('disconnect', resolve));
    expect(Date.now() - started).toBeLessThan(4000);
  });

  it('disconnects the sockets of a deactivated user at once', async () => {
    const carol = await t.makeUser({ role: 'INVESTIGATOR' });
    const s = await connectSocket(t.url, carol.token);
    const gone = new Promise((resolve) => s.socket.once('disconnect', resolve));
    await t.http().patch(`/api/v1/users/${carol.id}`).set(...bearer(admin)).send({ isActive: false }).expect(200);
    await gone;
    expect(await connectError(t.url, { token: carol.token })).toBeInstanceOf(Error);
  });

  it('hides notifications about cases the user can no longer see from the list and the counts', async () => {
    const user = await t.makeUser({ role: 'INVESTIGATOR' });
    const fin = await t.makeCase(admin, { scopeCode: 'FIN' });
    const hr = await t.makeCase(admin, { scopeCode: 'HR' });
    await t.get(NotificationsService).createMany([
      { userId: user.id, title: 'about fin', message: 'm', entityType: 'case', entityId: fin.id, scopeCode: fin.scopeCode },
      { userId: user.id, title: 'about hr', message: 'm', entityType: 'case', entityId: hr.id, scopeCode: hr.scopeCode },
      { userId: user.id, title: 'about nothing', message: 'm' },
    ]);
    const seen = async () => {
      const list = await t.http().get('/api/v1/notifications').set(...bearer(user)).expect(200);
      const count = await t.http().get('/api/v1/notifications/unread-count').set(...bearer(user)).expect(200);
      return { titles: list.body.items.map((n: { title: string }) => n.title).sort(), count: count.body.count };
    };
    expect(await seen()).toEqual({ titles: ['about fin', 'about hr', 'about nothing'], count: 3 });
    await t.http().patch(`/api/v1/users/${user.id}`).set(...bearer(admin)).send({ scopeCodes: ['FIN'] }).expect(200);
    expect(await seen()).toEqual({ titles: ['about fin', 'about nothing'], count: 2 });
    await t.http().patch(`/api/v1/users/${user.id}`).set(...bearer(admin)).send({ scopeCodes: [] }).expect(200);
    expect(await seen()).toEqual({ titles: ['about fin', 'about hr', 'about nothing'], count: 3 });
  });

  it("a rule's notification about a case keeps the case's scope: hidden once its user no longer sees that scope", async () => {
    const user = await t.makeUser({ role: 'INVESTIGATOR', scopeCodes: ['NSC', 'NSD'] });
    await makeRule(t, admin, { scopeCodes: ['NSC'], triggerType: 'EVENT', triggerConfig: { event: 'case.created' },
      actions: [{ actionType: 'SEND_NOTIFICATION', actionConfig: { recipients: [user.id], title: 'rule notice', message: 'm' } }] });
    const made = await t.makeCase(admin, { scopeCode: 'NSC' });
    await settle(t);
    const seen = async () => ({
      titles: (await t.http().get('/api/v1/notifications').set(...bearer(user)).expect(200)).body.items.map((n: { title: string }) => n.title),
      count: (await t.http().get('/api/v1/notifications/unread-count').set(...bearer(user)).expect(200)).body.count,
    });
    await eventually(async () => (await seen()).count === 1, 10_000, 'the rule to notify');
    expect(await seen()).toEqual({ titles: ['rule notice'], count: 1 });
    expect(await t.sql('SELECT scope_code FROM notifications WHERE user_id = $1 AND entity_id = $2', [user.id, made.id])).toEqual([{ scope_code: 'NSC' }]);
    await t.http().patch(`/api/v1/users/${user.id}`).set(...bearer(admin)).send({ scopeCodes: ['NSD'] }).expect(200);
    expect(await seen()).toEqual({ titles: [], count: 0 });
    await t.http().patch(`/api/v1/users/${user.id}`).set(...bearer(admin)).send({ role: 'ADMIN' }).expect(200);
    expect(await seen()).toEqual({ titles: ['rule notice'], count: 1 });
  });

  it('pages with a stable cursor, filters unread, counts, marks read and mark-all-read', async () => {
    const dave = await t.makeUser({ role: 'VIEWER' });
    // Notifications are stamped to the millisecond; the order asserted below is creation order only
    // if no two share a millisecond (within one, the id decides).
    for (let i = 0; i < 7; i++) {
      await notify(dave.id, `n${i}`);
      await sleep(2);
    }
    const first = await t.http().get('/api/v1/notifications?limit=3').set(...bearer(dave)).expect(200);
    expect(first.body.items.map((n: { title: string }) => n.title)).toEqual(['n6', 'n5', 'n4']);
    // Inserts between pages must not shift the next page.
    await notify(dave.id, 'late');
    const second = await t.http().get(`/api/v1/notifications?limit=3&cursor=${first.body.nextCursor}`).set(...bearer(dave)).expect(200);
    expect(second.body.items.map((n: { title: string }) => n.title)).toEqual(['n3', 'n2', 'n1']);
    const third = await t.http().get(`/api/v1/notifications?limit=3&cursor=${second.body.nextCursor}`).set(...bearer(dave)).expect(200);
    expect(third.body.items.map((n: { title: string }) => n.title)).toEqual(['n0']);
    expect(third.body.nextCursor).toBeNull();

    expect((await t.http().get('/api/v1/notifications/unread-count').set(...bearer(dave)).expect(200)).body).toEqual({ count: 8 });
    await t.http().patch(`/api/v1/notifications/${first.body.items[0].id}/read`).set(...bearer(dave)).expect(200)
      .expect((r) => expect(r.body).toMatchObject({ isRead: true }));
    // Marking twice does not count twice.
    await t.http().patch(`/api/v1/notifications/${first.body.items[0].id}/read`).set(...bearer(dave)).expect(200);
    expect((await t.http().get('/api/v1/notifications/unread-count').set(...bearer(dave))).body).toEqual({ count: 7 });
    const unread = await t.http().get('/api/v1/notifications?unreadOnly=true&limit=200').set(...bearer(dave)).expect(200);
    expect(unread.body.items).toHaveLength(7);
    expect((await t.http().post('/api/v1/notifications/mark-all-read').set(...bearer(dave)).expect(200)).body).toEqual({ updated: 7 });
    expect((await t.http().get('/api/v1/notifications/unread-count').set(...bearer(dave))).body).toEqual({ count: 0 });
  });

  it('answers 401 / 404 / 400 as the contract says', async () => {
    const [mine] = await notify(alice.id, 'private');
    await t.http().get('/api/v1/notifications').expect(401);
    await t.http().get('/api/v1/notifications/unread-count').expect(401);
    await t.http().patch(`/api/v1/notifications/${mine.id}/read`).set(...bearer(bob)).expect(404);
    await t.http().patch('/api/v1/notifications/not-a-uuid/read').set(...bearer(bob)).expect(400);
    await t.http().get('/api/v1/notifications?cursor=!!!').set(...bearer(bob)).expect(400);
    await t.http().get('/api/v1/notifications?cursor=Zm9vYmFy').set(...bearer(bob)).expect(400);
    await t.http().get('/api/v1/notifications?limit=0').set(...bearer(bob)).expect(400);
    await t.http().get('/api/v1/notifications?limit=201').set(...bearer(bob)).expect(400);
    await t.http().get('/api/v1/notifications?unreadOnly=maybe').set(...bearer(bob)).expect(400);
    const still = await t.sql<{ is_read: boolean }>('SELECT is_read FROM notifications WHERE id = $1', [mine.id]);
    expect(still[0].is_read).toBe(false);
  });

  it('keeps preferences per user and stops toasting muted or low-priority notifications while still counting them', async () => {
    const erin = await t.makeUser({ role: 'INVESTIGATOR' });
    await t.http().get('/api/v1/notifications/preferences').set(...bearer(erin)).expect(200)
      .expect((r) => expect(r.body).toMatchObject({
        minToastPriority: 'LOW', mutedRuleIds: [], quietHours: null, desktop: false, email: { enabled: true, minPriority: 'HIGH', onlyWhenOffline: false, digest: 'OFF' },
      }));
    await t.http().put('/api/v1/notifications/preferences').set(...bearer(erin))
      .send({ minToastPriority: 'HIGH', mutedRuleIds: [], quietHours: null }).expect(200);
    await t.http().put('/api/v1/notifications/preferences').set(...bearer(erin))
      .send({ minToastPriority: 'HIGH', mutedRuleIds: [], quietHours: { start: '25:00', end: '07:00', timeZone: 'Europe/Paris' } }).expect(400);
    await t.http().put('/api/v1/notifications/preferences').set(...bearer(erin))
      .send({ minToastPriority: 'HIGH', mutedRuleIds: [], quietHours: { start: '22:00', end: '07:00', timeZone: 'Mars/Olympus' } }).expect(400);
    const s = await connectSocket(t.url, erin.token);
    try {
      await notify(erin.id, 'quiet one', 'LOW');
      await notify(erin.id, 'loud one', 'URGENT');
      const low = await s.next('notification', (n) => n.title === 'quiet one');
      const urgent = await s.next('notification', (n) => n.title === 'loud one');
      expect(low.toast).toBe(false);
      expect(urgent.toast).toBe(true);
      await eventually(async () => (await t.http().get('/api/v1/notifications/unread-count').set(...bearer(erin))).body.count === 2);
    } finally {
      s.close();
    }
  });

  it('decides the toast once, on the server: a muted rule\'s notification and one in quiet hours come with toast false', async () => {
    const frank = await t.makeUser({ role: 'INVESTIGATOR' });
    const mutedRule = '11111111-1111-4111-8111-111111111111';
    const otherRule = '22222222-2222-4222-8222-222222222222';
    const hhmm = (d: Date) => d.toISOString().slice(11, 16);
    const send = (title: string, ruleId: string | null) =>
      t.get(NotificationsService).createMany([{ userId: frank.id, title, message: title, priority: 'URGENT', ruleId }]);
    const s = await connectSocket(t.url, frank.token);
    try {
      await t.http().put('/api/v1/notifications/preferences').set(...bearer(frank))
        .send({ minToastPriority: 'LOW', mutedRuleIds: [mutedRule], quietHours: null }).expect(200);
      await send('from the muted rule', mutedRule);
      await send('from another rule', otherRule);
      expect((await s.next('notification', (n) => n.title === 'from the muted rule')).toast).toBe(false);
      expect((await s.next('notification', (n) => n.title === 'from another rule')).toast).toBe(true);

      // Quiet from an hour ago to an hour from now, in UTC.
      const now = Date.now();
      await t.http().put('/api/v1/notifications/preferences').set(...bearer(frank))
        .send({ minToastPriority: 'LOW', mutedRuleIds: [], quietHours: { start: hhmm(new Date(now - 3600_000)), end: hhmm(new Date(now + 3600_000)), timeZone: 'UTC' } })
        .expect(200);
      await send('during quiet hours', otherRule);
      expect((await s.next('notification', (n) => n.title === 'during quiet hours')).toast).toBe(false);
      // Every one of them is stored and counted all the same.
      await s.next('notifications:unread-count', (c) => c.count === 3);
    } finally {
      s.close();
    }
  });
  it('a notification sent by a rule names the rule (id and name at the time) on the socket and in the list; others carry null', async () => {
    const ida = await t.makeUser({ role: 'INVESTIGATOR', name: 'Ida' });
    const scope = `RN${Date.now().toString(36).toUpperCase().slice(-6)}`;
    const rule = await makeRule(t, admin, {
      name: `Escalate ${scope}`, scopeCodes: [scope], triggerType: 'STATUS_CHANGE', triggerConfig: { toStatus: ['UNDER_REVIEW'] },
      actions: [{ actionType: 'SEND_NOTIFICATION', actionConfig: { recipients: ['ASSIGNEE'], title: '{{case.caseNumber}} escalated', message: 'by {{rule.name}}', priority: 'URGENT' } }],
    });
    const s = await connectSocket(t.url, ida.token);
    try {
      const c = await t.makeCase(admin, { scopeCode: scope, assigneeId: ida.id });
      await patchCase(t, admin, c.id, { status: 'UNDER_REVIEW' });
      const live = await s.next('notification', (n) => n.entityId === c.id);
      expect(live).toMatchObject({ ruleId: rule.id, ruleName: `Escalate ${scope}`, priority: 'URGENT', toast: true, linkUrl: `/cases/${c.id}` });

      // Renamed afterwards: the stored notification keeps the name it was sent under; the next one has the new name.
      await t.http().patch(`/api/v1/workflows/rules/${rule.id}`).set(...bearer(admin)).send({ name: `Escalate ${scope} (renamed)` }).expect(200);
      await notify(ida.id, 'not from a rule');
      const list = (await t.http().get('/api/v1/notifications').set(...bearer(ida)).expect(200)).body.items;
      expect(list.find((n: any) => n.id === live.id)).toMatchObject({ ruleId: rule.id, ruleName: `Escalate ${scope}` });
      expect(list.find((n: any) => n.title === 'not from a rule')).toMatchObject({ ruleId: null, ruleName: null });
      expect(await s.next('notification', (n) => n.title === 'not from a rule')).toMatchObject({ ruleId: null, ruleName: null });

      await patchCase(t, admin, c.id, { status: 'IN_PROGRESS' });
      await patchCase(t, admin, c.id, { status: 'UNDER_REVIEW' });
      await settle(t);
      const second = await s.next('notification', (n) => n.entityId === c.id && n.id !== live.id);
      expect(second.ruleName).toBe(`Escalate ${scope} (renamed)`);

      // Muting it (the console's "Mute this rule"): stored and counted, not toasted; the settings page can name it.
      await t.http().put('/api/v1/notifications/preferences').set(...bearer(ida))
        .send({ minToastPriority: 'LOW', mutedRuleIds: [rule.id], quietHours: null }).expect(200);
      await t.http().get('/api/v1/notifications/muted-rules').set(...bearer(ida)).expect(200)
        .expect((r) => expect(r.body).toEqual({ items: [{ ruleId: rule.id, ruleName: `Escalate ${scope} (renamed)` }] }));
      const before = (await t.http().get('/api/v1/notifications/unread-count').set(...bearer(ida))).body.count;
      await patchCase(t, admin, c.id, { status: 'IN_PROGRESS' });
      await patchCase(t, admin, c.id, { status: 'UNDER_REVIEW' });
      const third = await s.next('notification', (n) => n.entityId === c.id && n.id !== live.id && n.id !== second.id);
      expect(third).toMatchObject({ ruleId: rule.id, toast: false });
      await eventually(async () => (await t.http().get('/api/v1/notifications/unread-count').set(...bearer(ida))).body.count === before + 1);
    } finally {
      s.close();
    }
  });

  it('desktop preference: false until chosen, saved when true, kept when a client leaves it out, anything but a boolean is a 400', async () => {
    const gus = await t.makeUser({ role: 'VIEWER' });
    const prefs = () => t.http().get('/api/v1/notifications/preferences').set(...bearer(gus)).expect(200).then((r) => r.body);
    const put = (body: Record<string, unknown>) => t.http().put('/api/v1/notifications/preferences').set(...bearer(gus)).send(body);
    const base = { minToastPriority: 'LOW', mutedRuleIds: [], quietHours: null };
    expect((await prefs()).desktop).toBe(false);
    await put({ ...base, desktop: true }).expect(200).expect((r) => expect(r.body.desktop).toBe(true));
    expect((await prefs()).desktop).toBe(true);
    await put({ ...base, minToastPriority: 'HIGH' }).expect(200).expect((r) => expect(r.body.desktop).toBe(true));
    for (const desktop of ['yes', 1, null, { on: true }]) {
      const res = await put({ ...base, minToastPriority: 'URGENT', desktop }).expect(400);
      expect(JSON.stringify(res.body)).toContain('desktop must be true or false');
    }
    expect(await prefs()).toMatchObject({ minToastPriority: 'HIGH', desktop: true });
    await put({ ...base, desktop: false }).expect(200);
    expect((await prefs()).desktop).toBe(false);
  });
});

describe('notifications across two server processes on one database', () => {
  let a: TestApp;
  let b: TestApp;
  beforeAll(async () => {
    a = await startTestApp();
    b = await startTestApp({ databaseUrl: a.databaseUrl });
  });
  afterAll(async () => {
    await b.close();
    await a.close();
  });

  it('a notification created in process A reaches the user socket connected to process B', async () => {
    const user = await a.makeUser({ role: 'INVESTIGATOR' });
    const onB = await connectSocket(b.url, user.token);
    try {
      await sleep(300);
      await a.get(NotificationsService).createMany([{ userId: user.id, title: 'cross-process', message: 'hello from A' }]);
      const n = await onB.next('notification', (x) => x.title === 'cross-process');
      expect(n.userId).toBe(user.id);
      await onB.next('notifications:unread-count', (c) => c.count === 1);
    } finally {
      onB.close();
    }
  });
});

describe('case:updated to many sockets (in-memory adapter, sent in chunks)', () => {
  let t: TestApp;
  let admin: TestUser;

  beforeAll(async () => {
    t = await startTestApp({ env: { SOCKET_ADAPTER: 'memory' } });
    admin = await t.makeUser({ role: 'ADMIN' });
  });
  afterAll(() => t.close());

  it('reaches each of 900 sockets that may see the case exactly once, and none of the others', async () => {
    const finUser = await t.makeUser({ role: 'INVESTIGATOR', scopeCodes: ['FIN'] });
    const hrUser = await t.makeUser({ role: 'INVESTIGATOR', scopeCodes: ['HR'] });
    const connectMany = async (token: string, n: number) => {
      const sockets = [];
      for (let i = 0; i < n; i += 100) sockets.push(...(await Promise.all(Array.from({ length: Math.min(100, n - i) }, () => connectSocket(t.url, token)))));
      return sockets;
    };
    const seeing = [...(await connectMany(finUser.token, 850)), ...(await connectMany(admin.token, 50))];
    const notSeeing = await connectMany(hrUser.token, 60);
    try {
      const fin = await t.makeCase(admin, { scopeCode: 'FIN', title: 'broadcast me' });
      await Promise.all(seeing.map((s) => s.next('case:updated', (c) => c.id === fin.id, 10_000)));
      await sleep(300);
      expect(seeing.map((s) => s.of('case:updated').filter((c) => c.id === fin.id).length)).toEqual(seeing.map(() => 1));
      expect(notSeeing.filter((s) => s.of('case:updated').some((c) => c.id === fin.id))).toHaveLength(0);
    } finally {
      for (const s of [...seeing, ...notSeeing]) s.close();
    }
  }, 60_000);
});
