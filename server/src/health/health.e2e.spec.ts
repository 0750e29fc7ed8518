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
      // Not ready (send no traffic) but alive (do not restart it): it recovers by itself.
      const started = Date.now();
      expect((await t.http().get('/api/v1/health/ready')).status).toBe(503);
      expect(Date.now() - started).toBeLessThan(2500);
      expect((await t.http().get('/api/v1/health/live')).body).toMatchObject({ status: 'ok' });
    } finally {
      await withAdminClient((admin) => admin.query(`ALTER DATABASE ${database} ALLOW_CONNECTIONS true`));
    }
    const started = Date.now();
    await t.http().get('/api/v1/health').expect(200);
    expect(Date.now() - started).toBeLessThan(3000);
    await t.http().get('/api/v1/health/ready').expect(200);
  });

  it('has public live and ready probes; ready says 503 while a migration of this build is not applied', async () => {
    expect((await t.http().get('/api/v1/health/live').expect(200)).body).toMatchObject({ status: 'ok', uptimeSeconds: expect.any(Number) });
    expect((await t.http().get('/api/v1/health/ready').expect(200)).body).toEqual({ status: 'ok', database: 'up', migrations: 'applied' });
    const [latest] = await t.sql<{ id: number; timestamp: string; name: string }>('SELECT id, timestamp, name FROM typeorm_migrations ORDER BY id DESC LIMIT 1');
    await t.sql('DELETE FROM typeorm_migrations WHERE id = $1', [latest.id]);
    try {
      const res = await t.http().get('/api/v1/health/ready').expect(503);
      expect(res.body.message).toContain(latest.name);
    } finally {
      await t.sql('INSERT INTO typeorm_migrations (id, timestamp, name) VALUES ($1, $2, $3)', [latest.id, latest.timestamp, latest.name]);
    }
    await t.http().get('/api/v1/health/ready').expect(200);
  });
});
