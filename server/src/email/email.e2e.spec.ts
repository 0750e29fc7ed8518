import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { bearer, eventually, startTestApp, type TestApp, type TestUser } from '../../test/harness';
import { SmtpPeer } from '../../../e2e/lib/smtp-peer.mjs';
import { connectSocket, sleep } from '../../test/sockets';
import { makeRule, patchCase, settle } from '../../test/workflow-fixtures';
import { NotificationsService, type NewNotification } from '../notifications/notifications.service';
import { TransactionRunner } from '../database/unit-of-work';
import { MaintenanceService } from '../scheduler/maintenance.service';
import { EmailService } from './email.service';

/** The e-mail channel against a real SMTP server (the `smtp-server` package) on 127.0.0.1. */
describe('e-mail notifications', () => {
  const smtp = new SmtpPeer();
  let t: TestApp;
  let admin: TestUser;
  const PUBLIC_URL = 'https://cases.example.test';

  beforeAll(async () => {
    await smtp.start();
    t = await startTestApp({
      env: {
        SMTP_URL: smtp.url, MAIL_FROM: 'AuditCaseOS <alerts@example.test>', PUBLIC_URL,
        EMAIL_RETRY_BASE_MS: '50', EMAIL_RETRY_MAX_MS: '200', EMAIL_POLL_MS: '100', EMAIL_TIMEOUT_MS: '3000',
      },
    });
    admin = await t.makeUser({ role: 'ADMIN', name: 'Ada Admin' });
  });
  afterAll(async () => {
    await t.close();
    await smtp.stop();
  });
  beforeEach(() => {
    smtp.respondWith('accept');
  });

  const notify = (items: NewNotification[]) => t.get(NotificationsService).createMany(items);
  const putPrefs = (user: TestUser, email: object) => t.http().put('/api/v1/notifications/preferences').set(...bearer(user))
    .send({ minToastPriority: 'LOW', mutedRuleIds: [], quietHours: null, email });
  const rowsFor = (userId: string) => t.sql<{ status: string; attempts: number; kind: string; last_error: string | null; notification_id: string | null }>(
    'SELECT status, attempts, kind, last_error, notification_id FROM email_deliveries WHERE user_id = $1 ORDER BY created_at', [userId]);
  const settled = (userId: string, n: number) => eventually(async () => {
    const rows = await rowsFor(userId);
    return rows.length === n && rows.every((r) => !['PENDING', 'SENDING'].includes(r.status)) ? rows : undefined;
  }, 15_000, `${n} settled mail(s)`);

  it('preferences: defaults, saving, keeping them when a PUT leaves them out, 400 on bad values', async () => {
    const user = await t.makeUser();
    const got = await t.http().get('/api/v1/notifications/preferences').set(...bearer(user));
    expect(got.status).toBe(200);
    expect(got.body.email).toEqual({ enabled: true, minPriority: 'HIGH', onlyWhenOffline: false, digest: 'OFF' });

    const chosen = { enabled: true, minPriority: 'URGENT', onlyWhenOffline: true, digest: 'DAILY' };
    const saved = await putPrefs(user, chosen);
    expect(saved.status).toBe(200);
    expect(saved.body.email).toEqual(chosen);
    // A PUT without `email` (an older console) keeps the e-mail choice.
    const without = await t.http().put('/api/v1/notifications/preferences').set(...bearer(user))
      .send({ minToastPriority: 'HIGH', mutedRuleIds: [], quietHours: null });
    expect(without.status).toBe(200);
    expect(without.body).toMatchObject({ minToastPriority: 'HIGH', email: chosen });
    expect((await t.http().get('/api/v1/notifications/preferences').set(...bearer(user))).body.email).toEqual(chosen);

    for (const bad of [
      { ...chosen, digest: 'WEEKLY' }, { ...chosen, minPriority: 'CRITICAL' }, { ...chosen, enabled: 'yes' },
      { ...chosen, extra: 1 }, { enabled: true }, null, 'on',
    ]) {
      const res = await putPrefs(user, bad as object);
      expect({ bad, status: res.status }).toEqual({ bad, status: 400 });
    }
    expect((await t.http().get('/api/v1/notifications/preferences').set(...bearer(user))).body).toMatchObject({ minToastPriority: 'HIGH', email: chosen });
  });

  it('mails each recipient once, at or above their minimum priority, with the case link and the settings link', async () => {
    const high = await t.makeUser({ name: 'Hana High' });
    const urgentOnly = await t.makeUser({ name: 'Uma Urgent' });
    const off = await t.makeUser({ name: 'Otto Off' });
    const inactive = await t.makeUser({ name: 'Ines Inactive' });
    await putPrefs(urgentOnly, { enabled: true, minPriority: 'URGENT', onlyWhenOffline: false, digest: 'OFF' });
    await putPrefs(off, { enabled: false, minPriority: 'LOW', onlyWhenOffline: false, digest: 'HOURLY' });
    await t.http().patch(`/api/v1/users/${inactive.id}`).set(...bearer(admin)).send({ isActive: false });
    const caseId = (await t.makeCase(admin, { title: 'Ledger gap' })).id;
    const before = smtp.received.length;

    const created = await notify([
      { userId: high.id, title: 'Ledger gap needs you', message: 'Case <b>FIN</b> went URGENT & waits', priority: 'HIGH', entityType: 'case', entityId: caseId, linkUrl: `/cases/${caseId}` },
      { userId: high.id, title: 'Just so you know', message: 'normal news', priority: 'NORMAL', entityType: 'case', entityId: caseId },
      { userId: urgentOnly.id, title: 'High, not urgent', message: 'm', priority: 'HIGH' },
      { userId: urgentOnly.id, title: 'Truly urgent', message: 'm', priority: 'URGENT' },
      { userId: off.id, title: 'Off', message: 'm', priority: 'URGENT' },
      { userId: inactive.id, title: 'Gone', message: 'm', priority: 'URGENT' },
    ]);
    expect(await settled(high.id, 1)).toEqual([expect.objectContaining({ status: 'SENT', attempts: 1, notification_id: created[0].id })]);
    expect(await settled(urgentOnly.id, 1)).toEqual([expect.objectContaining({ status: 'SENT', notification_id: created[3].id })]);
    await sleep(300);
    expect(await rowsFor(off.id)).toEqual([]);
    expect(await rowsFor(inactive.id)).toEqual([]);

    const mails = smtp.received.slice(before);
    expect(mails.map((m) => m.to).sort()).toEqual([[high.email], [urgentOnly.email]].sort());
    const mail = smtp.to(high.email)[0];
    expect(mail.from).toBe('alerts@example.test');
    expect(mail.subject).toBe('[HIGH] Ledger gap needs you');
    expect(mail.raw).toMatch(/Content-Type: multipart\/alternative/);
    expect(mail.raw).toMatch(/Content-Type: text\/plain/);
    expect(mail.raw).toMatch(/Content-Type: text\/html/);
    expect(mail.decoded).toContain(`${PUBLIC_URL}/cases/${caseId}`);
    expect(mail.decoded).toContain(`${PUBLIC_URL}/settings`);
    expect(mail.decoded).toContain('Case <b>FIN</b> went URGENT & waits'); // plain text as written
    expect(mail.decoded).toContain('Case &lt;b&gt;FIN&lt;/b&gt; went URGENT &amp; waits'); // HTML escaped, never markup
    expect(mail.raw).toMatch(new RegExp(`List-Unsubscribe: <${PUBLIC_URL}/settings>`));
    expect(mail.messageId).toMatch(/^<[0-9a-f-]{36}@cases\.example\.test>$/);
    expect(smtp.to(urgentOnly.email).map((m) => m.subject)).toEqual(['[URGENT] Truly urgent']);
  });

  it('a rule\'s SEND_NOTIFICATION mails the assignee through the same queue, after its transaction commits', async () => {
    const assignee = await t.makeUser({ name: 'Rita Rule' });
    const scope = `EM${Date.now().toString(36).toUpperCase().slice(-4)}`;
    await makeRule(t, admin, {
      name: `mail on review ${scope}`, scopeCodes: [scope], triggerType: 'STATUS_CHANGE', triggerConfig: { toStatus: ['UNDER_REVIEW'] },
      actions: [{ actionType: 'SEND_NOTIFICATION', actionConfig: { recipients: ['ASSIGNEE'], title: 'Review {{case.caseNumber}}', message: 'Please review', priority: 'URGENT' } }],
    });
    const c = await t.makeCase(admin, { scopeCode: scope, assigneeId: assignee.id });
    await patchCase(t, admin, c.id, { status: 'UNDER_REVIEW' });
    await settle(t);
    const [row] = await settled(assignee.id, 1);
    expect(row.status).toBe('SENT');
    const [mail] = smtp.to(assignee.email);
    expect(mail.subject).toBe(`[URGENT] Review ${c.caseNumber}`);
    expect(mail.decoded).toContain(`${PUBLIC_URL}/cases/${c.id}`);
  });

  it('queues in the notification\'s own transaction: a rolled-back notification mails nothing', async () => {
    const user = await t.makeUser();
    await expect(t.get(TransactionRunner).run(async (uow) => {
      await t.get(NotificationsService).createMany([{ userId: user.id, title: 'Never committed', message: 'm', priority: 'URGENT' }], uow);
      expect(await uow.manager.query('SELECT status FROM email_deliveries WHERE user_id = $1', [user.id])).toEqual([{ status: 'PENDING' }]);
      throw new Error('the caller fails after the notification');
    })).rejects.toThrow('the caller fails');
    await sleep(300);
    expect(await rowsFor(user.id)).toEqual([]);
    expect(smtp.to(user.email)).toHaveLength(0);
  });

  it('onlyWhenOffline: no mail while the user has the console open, a mail once it is closed', async () => {
    const user = await t.makeUser();
    await putPrefs(user, { enabled: true, minPriority: 'HIGH', onlyWhenOffline: true, digest: 'OFF' });
    const socket = await connectSocket(t.url, user.token);
    try {
      await notify([{ userId: user.id, title: 'Seen live', message: 'm', priority: 'URGENT' }]);
      expect(await settled(user.id, 1)).toEqual([expect.objectContaining({ status: 'SKIPPED' })]);
    } finally {
      socket.close();
    }
    await eventually(async () => !(await t.get(EmailService)['worker']['sockets'].isUserConnected(user.id)), 5000, 'socket gone');
    await notify([{ userId: user.id, title: 'While away', message: 'm', priority: 'URGENT' }]);
    const rows = await settled(user.id, 2);
    expect(rows.map((r) => r.status)).toEqual(['SKIPPED', 'SENT']);
    expect(smtp.to(user.email).map((m) => m.subject)).toEqual(['[URGENT] While away']);
  });

  it('onlyWhenOffline across processes: a console open on another process sharing the database counts as online', async () => {
    const user = await t.makeUser();
    await putPrefs(user, { enabled: true, minPriority: 'HIGH', onlyWhenOffline: true, digest: 'OFF' });
    // A second process on the same database that sends nothing itself; the user's console is connected to it only.
    const other = await startTestApp({ databaseUrl: t.databaseUrl, env: { OUTBOX_DISPATCHER: 'off', SCHEDULER: 'off', SMTP_URL: smtp.url } });
    try {
      const socket = await connectSocket(other.url, user.token);
      try {
        await notify([{ userId: user.id, title: 'Seen on the other process', message: 'm', priority: 'URGENT' }]);
        expect(await settled(user.id, 1)).toEqual([expect.objectContaining({ status: 'SKIPPED' })]);
      } finally {
        socket.close();
      }
    } finally {
      await other.close();
    }
    expect(smtp.to(user.email)).toHaveLength(0);
  });

  it('gathers the notifications below the minimum into one digest per user; a second run sends nothing again', async () => {
    const hourly = await t.makeUser({ name: 'Hugo Hourly' });
    const daily = await t.makeUser({ name: 'Dora Daily' });
    await putPrefs(hourly, { enabled: true, minPriority: 'URGENT', onlyWhenOffline: false, digest: 'HOURLY' });
    await putPrefs(daily, { enabled: true, minPriority: 'HIGH', onlyWhenOffline: false, digest: 'DAILY' });
    const caseId = (await t.makeCase(admin)).id;
    await notify([
      { userId: hourly.id, title: 'First low one', message: 'alpha', priority: 'LOW', entityType: 'case', entityId: caseId, linkUrl: `/cases/${caseId}` },
      { userId: hourly.id, title: 'A high one', message: 'beta', priority: 'HIGH' },
      { userId: hourly.id, title: 'The urgent one', message: 'gamma', priority: 'URGENT' },
      { userId: daily.id, title: 'Daily normal', message: 'delta', priority: 'NORMAL' },
    ]);
    await settled(hourly.id, 1); // the URGENT one, on its own
    expect(smtp.to(hourly.email).map((m) => m.subject)).toEqual(['[URGENT] The urgent one']);

    const email = t.get(EmailService);
    // Two runs at once (two processes' clocks): one digest per user, never two.
    const [a, b] = await Promise.all([email.enqueueDigests('HOURLY'), email.enqueueDigests('HOURLY')]);
    expect(a + b).toBeGreaterThanOrEqual(1);
    const rows = await settled(hourly.id, 2);
    expect(rows[1]).toMatchObject({ kind: 'DIGEST', status: 'SENT', notification_id: null });
    const digest = smtp.to(hourly.email)[1];
    expect(digest.subject).toBe('Your hourly digest: 2 notifications in AuditCaseOS');
    expect(digest.decoded).toContain('First low one');
    expect(digest.decoded).toContain('A high one');
    expect(digest.decoded).not.toContain('The urgent one');
    expect(digest.decoded).toContain(`${PUBLIC_URL}/cases/${caseId}`);
    expect(digest.decoded).toContain(`${PUBLIC_URL}/settings`);

    expect(await email.enqueueDigests('HOURLY')).toBe(0);
    expect(await rowsFor(daily.id)).toEqual([]); // the daily digest has not run yet
    expect(await email.enqueueDigests('DAILY')).toBeGreaterThanOrEqual(1);
    await settled(daily.id, 1);
    expect(smtp.to(daily.email).map((m) => m.subject)).toEqual(['Your daily digest: 1 notification in AuditCaseOS']);
    expect(smtp.to(hourly.email)).toHaveLength(2);

    // Choosing another digest moves what is waiting; turning the digest off drops it (it stays in the console).
    await notify([{ userId: daily.id, title: 'Moves to hourly', message: 'm', priority: 'LOW' }, { userId: hourly.id, title: 'Dropped', message: 'm', priority: 'LOW' }]);
    await putPrefs(daily, { enabled: true, minPriority: 'HIGH', onlyWhenOffline: false, digest: 'HOURLY' });
    await putPrefs(hourly, { enabled: true, minPriority: 'URGENT', onlyWhenOffline: false, digest: 'OFF' });
    expect(await email.enqueueDigests('DAILY')).toBe(0);
    expect(await email.enqueueDigests('HOURLY')).toBe(1);
    await settled(daily.id, 2);
    expect(smtp.to(daily.email)[1].decoded).toContain('Moves to hourly');
    expect(smtp.to(hourly.email)).toHaveLength(2);

    // A user deactivated while items wait gets no digest, and the items are gone rather than waiting forever.
    await notify([{ userId: daily.id, title: 'Never mailed', message: 'm', priority: 'LOW' }]);
    expect(await t.sql('SELECT 1 FROM email_digest_items WHERE user_id = $1 AND delivery_id IS NULL', [daily.id])).toHaveLength(1);
    await t.http().patch(`/api/v1/users/${daily.id}`).set(...bearer(admin)).send({ isActive: false });
    expect(await email.enqueueDigests('HOURLY')).toBe(0);
    expect(await t.sql('SELECT 1 FROM email_digest_items WHERE user_id = $1 AND delivery_id IS NULL', [daily.id])).toEqual([]);
    expect(smtp.to(daily.email)).toHaveLength(2);
  });

  it('a mail server that refuses (4xx) and then accepts gets exactly one mail; the attempts and the last refusal are recorded', async () => {
    const user = await t.makeUser();
    smtp.respondWith(451, 451, 'accept');
    const refusedBefore = smtp.refused;
    await notify([{ userId: user.id, title: 'Try again later', message: 'm', priority: 'URGENT' }]);
    const [row] = await settled(user.id, 1);
    expect(row).toMatchObject({ status: 'SENT', attempts: 3 });
    expect(row.last_error).toMatch(/451/);
    expect(smtp.refused - refusedBefore).toBe(2);
    await sleep(500);
    expect(smtp.to(user.email)).toHaveLength(1);
  });

  it('a permanent refusal (5xx) is FAILED at once; the admin list shows status, attempts and the error; others get 403', async () => {
    const user = await t.makeUser();
    smtp.respondWith(554);
    await notify([{ userId: user.id, title: 'Refused for good', message: 'm', priority: 'URGENT' }]);
    const [row] = await settled(user.id, 1);
    expect(row).toMatchObject({ status: 'FAILED', attempts: 1 });
    expect(smtp.to(user.email)).toHaveLength(0);

    const list = await t.http().get(`/api/v1/email-deliveries?status=FAILED&userId=${user.id}`).set(...bearer(admin));
    expect(list.status).toBe(200);
    expect(list.body.total).toBe(1);
    expect(list.body.items[0]).toMatchObject({
      kind: 'NOTIFICATION', status: 'FAILED', userId: user.id, recipient: user.email, attempts: 1, notificationCount: 1,
      subject: '[URGENT] Refused for good', sentAt: null, nextAttemptAt: null,
    });
    expect(list.body.items[0].lastError).toMatch(/554/);
    const summary = await t.http().get('/api/v1/email-deliveries/summary').set(...bearer(admin));
    expect(summary.status).toBe(200);
    expect(summary.body.configured).toBe(true);
    expect(summary.body.counts.FAILED).toBeGreaterThanOrEqual(1);
    expect((await t.http().get('/api/v1/email-deliveries?status=LOST').set(...bearer(admin))).status).toBe(400);
    expect((await t.http().get('/api/v1/email-deliveries').set(...bearer(user))).status).toBe(403);

    const metrics = (await t.http().get('/metrics')).text;
    expect(metrics).toMatch(/^acos_email_deliveries\{status="FAILED"\} [1-9]/m);
    expect(metrics).toMatch(/^acos_email_sent_total [1-9]/m);
    expect(metrics).toMatch(/^acos_email_failed_total [1-9]/m);
    expect(metrics).toMatch(/^acos_email_oldest_pending_seconds /m);

    // An admin sends it again once the server takes it: one mail, same Message-ID; a SENT mail cannot be resent.
    smtp.respondWith('accept');
    const id = list.body.items[0].id;
    expect((await t.http().post(`/api/v1/email-deliveries/${id}/resend`).set(...bearer(user))).status).toBe(403);
    expect((await t.http().post(`/api/v1/email-deliveries/${id}/resend`).set(...bearer(admin))).status).toBe(202);
    const [again] = await settled(user.id, 1);
    expect(again).toMatchObject({ status: 'SENT', attempts: 2 });
    expect(smtp.to(user.email).map((m) => m.messageId)).toEqual([list.body.items[0].messageId]);
    const twice = await t.http().post(`/api/v1/email-deliveries/${id}/resend`).set(...bearer(admin));
    expect(twice.status).toBe(409);
    expect(twice.body.message).toMatch(/SENT/);
    expect((await t.http().post('/api/v1/email-deliveries/00000000-0000-4000-8000-000000000000/resend').set(...bearer(admin))).status).toBe(404);
  });

  it('a mail server that is down: retried with growing delays until it is back, then one mail', async () => {
    const user = await t.makeUser();
    const port = smtp.port;
    await smtp.stop();
    try {
      await notify([{ userId: user.id, title: 'Server down', message: 'm', priority: 'URGENT' }]);
      const row = await eventually(async () => (await rowsFor(user.id)).find((r) => r.attempts >= 3), 10_000, 'three attempts');
      expect(row.status).toBe('PENDING');
      expect(row.last_error).toMatch(/ECONNREFUSED|connect/i);
    } finally {
      await smtp.start(port);
    }
    const [row] = await settled(user.id, 1);
    expect(row.status).toBe('SENT');
    expect(smtp.to(user.email)).toHaveLength(1);
  });

  it('housekeeping removes finished mails past the notification retention and keeps waiting ones', async () => {
    const user = await t.makeUser();
    smtp.respondWith('accept');
    await notify([{ userId: user.id, title: 'Old news', message: 'm', priority: 'URGENT' }]);
    await settled(user.id, 1);
    await t.sql(`UPDATE email_deliveries SET created_at = now() - interval '400 days' WHERE user_id = $1`, [user.id]);
    // A waiting one, as old: never removed.
    await t.sql(`INSERT INTO email_deliveries (kind, user_id, recipient, message_id, subject, body_text, body_html, next_attempt_at, created_at)
                 VALUES ('NOTIFICATION', $1, 'x@test.local', '<x@test>', 's', 't', 'h', now() + interval '1 day', now() - interval '400 days')`, [user.id]);
    const result = await t.get(MaintenanceService).prune();
    expect(result.emails).toBeGreaterThanOrEqual(1);
    expect((await rowsFor(user.id)).map((r) => r.status)).toEqual(['PENDING']);
  });
});
