import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import request from 'supertest';
import { startTestApp, type TestApp } from '../../test/harness';
import { startServerProcess, type ServerProcess } from '../../test/server-process';
import { createTestDatabase, dropTestDatabase } from '../../test/test-database';
import { demoRefusal } from '../demo/seed.service';

/**
 * CONTRACT §10, first run without ADMIN_EMAIL: the compiled server on an empty database logs a one-time
 * setup link; the link works on any process sharing the database, once.
 */
describe('first-run setup from an empty database', () => {
  const dbName = `t_setup_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  let databaseUrl: string;
  let dataDir: string;
  let server: ServerProcess;
  let other: TestApp;

  beforeAll(async () => {
    databaseUrl = await createTestDatabase(dbName);
    dataDir = mkdtempSync('/var/tmp/acos-setup-');
    chmodSync(dataDir, 0o755);
    // NODE_ENV=production: DEMO_DATA=true is refused there, so the database stays empty.
    server = await startServerProcess({
      DATABASE_URL: databaseUrl, DATA_DIR: dataDir, DEMO_DATA: 'true', NODE_ENV: 'production', JWT_SECRET: 'setup-test-secret-'.padEnd(48, 'x'),
      PUBLIC_URL: 'https://audit.example.test/', OUTBOX_DISPATCHER: 'off', SCHEDULER: 'off', ADMIN_EMAIL: '', ADMIN_PASSWORD: '',
    });
    other = await startTestApp({ databaseUrl, env: { OUTBOX_DISPATCHER: 'off', SCHEDULER: 'off' } });
  }, 90_000);
  afterAll(async () => {
    await other?.close();
    await server?.kill();
    await dropTestDatabase(dbName);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('says why demo data was not loaded, logs the link, and creates the first ADMIN once', async () => {
    const log = server.output();
    expect(log).toMatch(/demo data not loaded: NODE_ENV=production/);
    const link = /https:\/\/audit\.example\.test\/setup\?token=([A-Za-z0-9_-]{43})/.exec(log);
    expect(link).not.toBeNull();
    const token = link![1];
    const api = request(server.url);
    expect((await api.get('/api/v1/setup').expect(200)).body).toEqual({ required: true });

    const body = { token, email: 'First.Admin@Example.com', name: 'First Admin', password: 'first admin passphrase' };
    expect((await api.post('/api/v1/setup').send({ ...body, token: 'x'.repeat(43) }).expect(403)).body.message).toMatch(/setup token/);
    expect((await api.post('/api/v1/setup').send({ ...body, password: 'short' }).expect(400)).body.message).toMatch(/at least 12 characters/);
    expect((await api.post('/api/v1/setup').send({ ...body, password: 'qwerty123456' }).expect(400)).body.message).toMatch(/commonly used/);
    await api.post('/api/v1/setup').send({ ...body, role: 'VIEWER' }).expect(400);
    await api.post('/api/v1/setup').send({ token }).expect(400);

    // The link from one process's log works on another process sharing the database.
    const created = await other.http().post('/api/v1/setup').send(body).expect(201);
    expect(created.body).toMatchObject({ email: 'first.admin@example.com', name: 'First Admin', role: 'ADMIN', isActive: true, mustChangePassword: false });
    const login = await api.post('/api/v1/auth/login').send({ email: body.email, password: body.password }).expect(200);
    expect(login.body.user.role).toBe('ADMIN');

    // Afterwards: 404 for good, on every process, with the same link too.
    for (const app of [api, other.http()]) {
      await app.get('/api/v1/setup').expect(404);
      await app.post('/api/v1/setup').send({ ...body, email: 'second@example.com' }).expect(404);
    }
    expect(await other.sql('SELECT email, role FROM users')).toEqual([{ email: 'first.admin@example.com', role: 'ADMIN' }]);
    expect(await other.sql('SELECT * FROM setup_tokens')).toEqual([]);
    const audit = await other.sql<{ action: string; target_id: string }>(`SELECT action, target_id FROM audit_log WHERE action = 'USER_CREATED'`);
    expect(audit).toEqual([{ action: 'USER_CREATED', target_id: created.body.id }]);
  });
});

describe('demo data is refused beyond loopback and in production', () => {
  it.each([
    ['127.0.0.1', 'development', null],
    ['127.1.2.3', 'development', null],
    ['::1', 'development', null],
    ['localhost', 'development', null],
    ['0.0.0.0', 'development', /HOST 0\.0\.0\.0 is not a loopback address/],
    ['::', 'development', /not a loopback/],
    ['192.168.1.10', 'development', /not a loopback/],
    ['127.0.0.1', 'production', /NODE_ENV=production/],
  ])('HOST %s, NODE_ENV %s', (host, nodeEnv, refusal) => {
    const result = demoRefusal({ host, nodeEnv });
    if (refusal === null) expect(result).toBeNull();
    else expect(result).toMatch(refusal);
  });
});
