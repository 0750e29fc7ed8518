import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestApp, type TestApp } from '../../test/harness';
import { withAdminClient } from '../../test/test-database';

describe('health', () => {
  let t: TestApp;
  beforeAll(async () => {
    // SOCKET_ADAPTER=memory: the Socket.IO postgres adapter's LISTEN client has no 'error' listener, so the
    // terminated connections below would crash the process (reported; not this file's subject).
    t = await startTestApp({ env: { OUTBOX_DISPATCHER: 'off', SOCKET_ADAPTER: 'memory' } });
  });
  afterAll(() => t.close());

  it('answers 200 {status: "ok"} without a token (and ignores a bad one)', async () => {
    const res = await t.http().get('/api/v1/health').expect(200);
    expect(res.body).toMatchObject({ status: 'ok', database: 'up' });
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    await t.http().get('/api/v1/health').set('Authorization', 'Bearer garbage').expect(200);
  });

  it('answers 503 while the database refuses connections, and 200 again once it is back', async () => {
    const database = new URL(t.databaseUrl).pathname.slice(1);
    await withAdminClient(async (admin) => {
      await admin.query(`ALTER DATABASE ${database} ALLOW_CONNECTIONS false`);
      await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [database]);
    });
    try {
      const down = await t.http().get('/api/v1/health');
      expect(down.status).toBe(503);
      expect(down.body).toMatchObject({ statusCode: 503, error: 'Service Unavailable' });
    } finally {
      await withAdminClient((admin) => admin.query(`ALTER DATABASE ${database} ALLOW_CONNECTIONS true`));
    }
    const started = Date.now();
    await t.http().get('/api/v1/health').expect(200);
    expect(Date.now() - started).toBeLessThan(3000);
  });
});
