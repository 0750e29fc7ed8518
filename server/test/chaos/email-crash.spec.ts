import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { Client } from 'pg';
import { freePort, startServerProcess, type ServerProcess } from '../server-process';
import { SmtpPeer } from '../../../e2e/lib/smtp-peer.mjs';
import { createTestDatabase, dropTestDatabase } from '../test-database';

/**
 * The compiled server SIGKILLed in the two halves of a mail's life:
 *
 * 1. between claim and send (the mail is claimed, PENDING with a lease, the SMTP conversation not begun): nothing is
 *    lost — the lease expires and the restarted process sends it, once;
 * 2. after it was marked SENDING, while the mail server holds the message but has not answered: the mail may have
 *    arrived (here it did: the peer keeps it, as a real server that queued it would), so it is settled as UNCERTAIN
 *    and never sent again — at most once. Together: exactly one mail in both cases.
 */
describe('e-mail delivery across a SIGKILL', () => {
  const dbName = `t_${randomUUID().replace(/-/g, '').slice(0, 20)}`;
  const smtp = new SmtpPeer();
  let databaseUrl: string;
  let dataDir: string;
  let port: number;
  let server: ServerProcess | undefined;
  let db: Client;
  // A 2 s timeout makes the lease 9 s (twice the timeout plus 5 s, plus the pause): long enough to kill, short enough to wait for.
  const env = (pauseAfterClaimMs = 0) => ({
    DATABASE_URL: databaseUrl, DATA_DIR: dataDir, JWT_SECRET: 'email-crash-secret-'.padEnd(48, 'x'), DEMO_DATA: 'false',
    ADMIN_EMAIL: 'mail-admin@test.local', ADMIN_PASSWORD: 'Mail-Password-12', SOCKET_ADAPTER: 'memory',
    SMTP_URL: smtp.url, MAIL_FROM: 'alerts@test.local', EMAIL_TIMEOUT_MS: '2000', EMAIL_RETRY_BASE_MS: '50', EMAIL_POLL_MS: '100',
    INTERNAL_TEST_EMAIL_PAUSE_AFTER_CLAIM_MS: String(pauseAfterClaimMs),
  });
  const base = () => `http://127.0.0.1:${port}/api/v1`;
  const call = async (method: string, path: string, token?: string, body?: unknown) => {
    const res = await fetch(base() + path, {
      method, headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: res.status === 204 ? null : await res.json() };
  };
  const login = async () => (await call('POST', '/auth/login', undefined, { email: 'mail-admin@test.local', password: 'Mail-Password-12' })).body.accessToken;
  const rows = async () => (await db.query(
    'SELECT id, status, attempts, lease_token, message_id, last_error, notification_id FROM email_deliveries ORDER BY created_at')).rows;
  async function until<T>(check: () => Promise<T | undefined>, what: string, timeoutMs = 40_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = await check();
      if (v !== undefined) return v;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; server log:\n${server?.output()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  /** A rule that notifies the admins (URGENT: mailed by default) when a case goes to `status`; returns a case to move. */
  async function ruleAndCase(token: string, status: string): Promise<string> {
    const rule = await call('POST', '/workflows/rules', token, {
      name: `mail on ${status}`, triggerType: 'STATUS_CHANGE', triggerConfig: { toStatus: [status] }, cooldownSeconds: 0,
      actions: [{ actionType: 'SEND_NOTIFICATION', actionConfig: { recipients: ['ADMINS'], title: `Case went ${status}`, message: 'm', priority: 'URGENT' } }],
    });
    expect(rule.status).toBe(201);
    const c = await call('POST', '/cases', token, { title: `Crash ${status}`, caseType: 'AUDIT', scopeCode: 'FIN', severity: 'LOW' });
    expect(c.status).toBe(201);
    return c.body.id;
  }

  beforeAll(async () => {
    await smtp.start();
    databaseUrl = await createTestDatabase(dbName);
    dataDir = mkdtempSync('/var/tmp/acos-mailcrash-');
    chmodSync(dataDir, 0o755);
    port = await freePort();
    db = new Client({ connectionString: databaseUrl });
    await db.connect();
  });

  afterAll(async () => {
    await server?.kill('SIGTERM');
    await db?.end();
    await smtp.stop();
    await dropTestDatabase(dbName);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('killed between claim and send: the mail is not lost, and sent exactly once after the lease expired', async () => {
    // This process pauses 3 s between claiming a mail and opening the SMTP conversation: the window to kill in.
    server = await startServerProcess(env(3000), port);
    const token = await login();
    const caseId = await ruleAndCase(token, 'IN_PROGRESS');
    expect((await call('PATCH', `/cases/${caseId}`, token, { status: 'IN_PROGRESS' })).status).toBe(200);

    const claimed = await until(async () => (await rows()).find((r) => r.lease_token && r.status === 'PENDING'), 'the claim');
    const killedAt = Date.now();
    await server.kill('SIGKILL');
    // At the moment of the kill: claimed (attempt 1 counted), not SENDING, and the mail server has seen nothing.
    expect((await rows())[0]).toMatchObject({ id: claimed.id, status: 'PENDING', attempts: 1 });
    expect(smtp.received).toHaveLength(0);

    server = await startServerProcess(env(0), port);
    const sent = await until(async () => (await rows()).find((r) => r.id === claimed.id && r.status === 'SENT'), 'SENT');
    expect(sent.attempts).toBe(2);
    await new Promise((r) => setTimeout(r, 1000));
    expect(smtp.received).toHaveLength(1);
    expect(smtp.received[0]).toMatchObject({ to: ['mail-admin@test.local'], subject: '[URGENT] Case went IN_PROGRESS', messageId: sent.message_id });
    // Not before the dead worker's lease ran out (12 s: 9 s plus its 3 s pause): no two workers ever held the mail at once.
    expect(smtp.received[0].receivedAt - killedAt).toBeGreaterThanOrEqual(10_000);
  });

  it('killed after the mail server took the message but before the result was recorded: UNCERTAIN, never sent again', async () => {
    const token = await login();
    const caseId = await ruleAndCase(token, 'UNDER_REVIEW');
    const before = smtp.received.length;
    smtp.respondWith('keep-and-hang');
    const arrived = new Promise<void>((resolve) => { smtp.onMessage = () => resolve(); });
    expect((await call('PATCH', `/cases/${caseId}`, token, { status: 'UNDER_REVIEW' })).status).toBe(200);
    await arrived;
    await server!.kill('SIGKILL');
    smtp.respondWith('accept');
    const [, row] = await rows();
    // At the moment of the kill: SENDING — the conversation had begun, the server holds the message, nobody recorded it.
    expect(row).toMatchObject({ status: 'SENDING', attempts: 1 });

    server = await startServerProcess(env(0), port);
    const settled = await until(async () => (await rows()).find((r) => r.id === row.id && r.status === 'UNCERTAIN'), 'UNCERTAIN');
    expect(settled.attempts).toBe(1);
    expect(settled.last_error).toMatch(/not sent again/);
    await new Promise((r) => setTimeout(r, 1500));
    expect(smtp.received.length - before).toBe(1);
    expect(smtp.received.filter((m) => m.messageId === row.message_id)).toHaveLength(1);
    // The admin list shows it for what it is.
    const list = await call('GET', '/email-deliveries?status=UNCERTAIN', await login());
    expect(list.body.items.map((i: { id: string }) => i.id)).toEqual([row.id]);
  });
});
