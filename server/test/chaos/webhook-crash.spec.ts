import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, chmodSync, rmSync } from 'node:fs';
import { Client } from 'pg';
import { freePort, startServerProcess, type ServerProcess } from '../server-process';
import { createTestDatabase, dropTestDatabase } from '../test-database';
import { signatureValid, WebhookReceiver } from '../webhook-receiver';

/**
 * The compiled server SIGKILLed while a webhook delivery is in flight (claimed, request sent, no answer yet):
 * the delivery is not lost. Its lease expires and the restarted process sends it again with the same delivery id
 * (at-least-once; the receiver de-duplicates on the id).
 */
describe('webhook delivery across a SIGKILL between claim and result', () => {
  const dbName = `t_${randomUUID().replace(/-/g, '').slice(0, 20)}`;
  const receiver = new WebhookReceiver();
  let databaseUrl: string;
  let dataDir: string;
  let port: number;
  let server: ServerProcess | undefined;
  const env = () => ({
    DATABASE_URL: databaseUrl, DATA_DIR: dataDir, JWT_SECRET: 'webhook-crash-secret-'.padEnd(48, 'x'), DEMO_DATA: 'false',
    ADMIN_EMAIL: 'hooks@test.local', ADMIN_PASSWORD: 'Hooks-Password-1', SOCKET_ADAPTER: 'memory',
    // A 2 s timeout makes the lease 9 s (twice the timeout plus 5 s): long enough to kill mid-call, short enough to wait for.
    WEBHOOK_ALLOW_PRIVATE: 'true', WEBHOOK_TIMEOUT_MS: '2000', WEBHOOK_RETRY_BASE_MS: '50', WEBHOOK_POLL_MS: '100',
  });

  beforeAll(async () => {
    await receiver.start();
    databaseUrl = await createTestDatabase(dbName);
    dataDir = mkdtempSync('/var/tmp/acos-hookcrash-');
    chmodSync(dataDir, 0o755);
    port = await freePort();
    server = await startServerProcess(env(), port);
  });

  afterAll(async () => {
    await server?.kill('SIGTERM');
    await receiver.stop();
    await dropTestDatabase(dbName);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('loses no delivery: the restarted server sends it again with the same id once the lease expired', async () => {
    const base = `http://127.0.0.1:${port}/api/v1`;
    const call = async (method: string, path: string, token?: string, body?: unknown) => {
      const res = await fetch(base + path, {
        method, headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.status, body: res.status === 204 || res.status === 202 ? null : await res.json() };
    };
    const token = (await call('POST', '/auth/login', undefined, { email: 'hooks@test.local', password: 'Hooks-Password-1' })).body.accessToken;
    const hook = (await call('POST', '/webhooks', token, { name: 'crash receiver', url: receiver.url })).body;
    expect(hook.secret).toBeDefined();
    await call('POST', '/workflows/rules', token, {
      name: 'call on progress', triggerType: 'STATUS_CHANGE', triggerConfig: { toStatus: ['IN_PROGRESS'] }, cooldownSeconds: 0,
      actions: [{ actionType: 'CALL_WEBHOOK', actionConfig: { webhookId: hook.id } }],
    });
    const c = (await call('POST', '/cases', token, { title: 'Crash case', caseType: 'AUDIT', scopeCode: 'FIN', severity: 'LOW' })).body;

    // The first request is never answered: the worker is between claim and result when the process dies.
    receiver.respondWith('hang', 200);
    let killedAt = 0;
    const arrived = new Promise<void>((resolve) => {
      receiver.inspect = async () => { if (!killedAt) resolve(); };
    });
    expect((await call('PATCH', `/cases/${c.id}`, token, { status: 'IN_PROGRESS' })).status).toBe(200);
    await arrived;
    killedAt = Date.now();
    await server!.kill('SIGKILL');
    server = await startServerProcess(env(), port);

    const db = new Client({ connectionString: databaseUrl });
    await db.connect();
    try {
      const deadline = Date.now() + 40_000;
      let row: { id: string; status: string; attempts: number } | undefined;
      while (Date.now() < deadline) {
        [row] = (await db.query('SELECT id, status, attempts FROM webhook_deliveries')).rows;
        if (row?.status === 'SUCCEEDED') break;
        await new Promise((r) => setTimeout(r, 200));
      }
      expect(row).toMatchObject({ status: 'SUCCEEDED', attempts: 2 });
      const got = receiver.forDelivery(row!.id);
      expect(got).toHaveLength(2);
      expect(got.every((r) => signatureValid(r, hook.secret))).toBe(true);
      expect(got[1].json.deliveryId).toBe(got[0].json.deliveryId);
      // Not before the dead worker's lease ran out: no two workers ever held the delivery at once.
      expect(got[1].receivedAt - got[0].receivedAt).toBeGreaterThanOrEqual(8000);
      expect((await db.query('SELECT count(*)::int AS n FROM webhook_deliveries')).rows[0].n).toBe(1);
    } finally {
      await db.end();
    }
  });
});
