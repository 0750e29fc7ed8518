import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import express from 'express';
import { once } from 'node:events';
import { chmodSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import request from 'supertest';
import { JsonBodyLimitsMiddleware, jsonBodyProblem, MAX_JSON_DEPTH } from '../../src/common/json-body-limits.middleware';
import { REQUEST_ID_HEADER, RequestIdMiddleware, saneRequestId } from '../../src/common/request-id.middleware';
import { bearer, startTestApp, type TestApp, type TestUser } from '../harness';

/**
 * What the server does to every request whatever the route: security headers,
 * CORS, body size, error bodies that say nothing internal, request ids, and
 * JSON bodies that cannot hurt the validation layer.
 */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const LEAK = /\bat [\w.<>]+ \(|node_modules|\/work\/|\/server\/src\/|\.ts:\d+|QueryFailedError|TypeORMError|driverError|SELECT |INSERT INTO|"stack"/i;
const ONE_MIB = 1024 * 1024;

describe('hardening: every response', () => {
  let t: TestApp;
  let admin: TestUser;
  let consoleDir: string;

  beforeAll(async () => {
    // A console build of our own, so `/` and deep links are served like in production.
    consoleDir = mkdtempSync('/var/tmp/acos-console-');
    chmodSync(consoleDir, 0o755);
    writeFileSync(join(consoleDir, 'index.html'), '<!doctype html><title>AuditCaseOS</title><app-root></app-root>');
    t = await startTestApp({ env: { CLIENT_DIR: consoleDir, CORS_ORIGINS: 'https://console.example', OUTBOX_DISPATCHER: 'off', SOCKET_ADAPTER: 'memory' } });
    admin = await t.makeUser({ role: 'ADMIN' });
  });
  afterAll(async () => {
    await t?.close();
    rmSync(consoleDir, { recursive: true, force: true });
  });

  it('carries the security headers: on the console, deep links, the API and its errors', async () => {
    const home = await t.http().get('/').set('Accept', 'text/html').expect(200);
    expect(home.text).toContain('<app-root>');
    const deepLink = await t.http().get('/cases/some-case').set('Accept', 'text/html').expect(200);
    expect(deepLink.text).toContain('<app-root>');
    const responses: Array<[string, { headers: Record<string, string> }]> = [
      ['GET /', home], ['GET /cases/some-case', deepLink],
      ['GET /api/v1/health', await t.http().get('/api/v1/health').expect(200)],
      ['GET /api/v1/cases (401)', await t.http().get('/api/v1/cases').expect(401)],
      ['GET /api/v1/no-such-route (404)', await t.http().get('/api/v1/no-such-route').set(...bearer(admin)).expect(404)],
      ['POST /api/v1/cases (malformed, 400)', await t.http().post('/api/v1/cases').set(...bearer(admin)).set('Content-Type', 'application/json').send('{"title":').expect(400)],
    ];
    for (const [where, res] of responses) {
      const h = res.headers;
      expect({ where, nosniff: h['x-content-type-options'], frame: h['x-frame-options'], referrer: h['referrer-policy'], poweredBy: h['x-powered-by'] })
        .toEqual({ where, nosniff: 'nosniff', frame: 'SAMEORIGIN', referrer: 'no-referrer', poweredBy: undefined });
      const csp = Object.fromEntries(String(h['content-security-policy']).split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k, v.join(' ')]));
      expect({ where, csp }).toMatchObject({
        where,
        csp: { 'default-src': "'self'", 'script-src': "'self'", 'object-src': "'none'", 'frame-ancestors': "'self'", 'base-uri': "'self'", 'connect-src': "'self'" },
      });
      // Scripts only from the server itself: no inline scripts, no eval.
      expect(csp['script-src']).not.toMatch(/unsafe/);
      expect(h['strict-transport-security']).toMatch(/max-age=\d+/);
      expect(h['cross-origin-opener-policy']).toBe('same-origin');
    }
  });

  it('CORS: an unlisted origin gets no Access-Control-Allow-Origin (simple or preflight); a listed one does', async () => {
    const evil = 'https://evil.example';
    const simple = await t.http().get('/api/v1/health').set('Origin', evil).expect(200);
    expect(simple.headers['access-control-allow-origin']).toBeUndefined();
    const withToken = await t.http().get('/api/v1/auth/me').set('Origin', evil).set(...bearer(admin));
    expect(withToken.headers['access-control-allow-origin']).toBeUndefined();
    const preflight = await t.http().options('/api/v1/cases').set('Origin', evil)
      .set('Access-Control-Request-Method', 'POST').set('Access-Control-Request-Headers', 'authorization,content-type');
    // (cors still lists allowed methods and headers; without an allowed origin the browser refuses anyway.)
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
    // Control: CORS_ORIGINS lists https://console.example.
    const listed = await t.http().options('/api/v1/cases').set('Origin', 'https://console.example')
      .set('Access-Control-Request-Method', 'POST').set('Access-Control-Request-Headers', 'authorization,content-type');
    expect(listed.headers['access-control-allow-origin']).toBe('https://console.example');
    expect(listed.headers['access-control-allow-credentials']).toBeUndefined();
  });

  it('a JSON body over 1 MiB is a 413 in the error shape; 1 MiB itself still reaches validation', async () => {
    const body = (size: number) => {
      const head = '{"title":"';
      const tail = '","caseType":"AUDIT","scopeCode":"FIN"}';
      return head + 'x'.repeat(size - head.length - tail.length) + tail;
    };
    const atLimit = await t.http().post('/api/v1/cases').set(...bearer(admin)).set('Content-Type', 'application/json').send(body(ONE_MIB));
    expect(atLimit.status).toBe(400); // the title is too long: parsed and validated, not refused by size
    const over = await t.http().post('/api/v1/cases').set(...bearer(admin)).set('Content-Type', 'application/json').send(body(ONE_MIB + 1));
    expect({ status: over.status, body: over.body }).toEqual({ status: 413, body: { statusCode: 413, error: 'Payload Too Large', message: expect.any(String) } });
    // Anonymous too (the size check does not wait for the token).
    const anonymous = await t.http().post('/api/v1/auth/login').set('Content-Type', 'application/json').send(`{"email":"${'a'.repeat(ONE_MIB)}"}`);
    expect(anonymous.status).toBe(413);
  });

  it('no error response carries a stack trace or anything internal, a real 500 included', async () => {
    const upload = await t.http().post(`/api/v1/cases/${(await t.makeCase(admin)).id}/evidence`).set(...bearer(admin))
      .attach('file', Buffer.from('will vanish'), 'gone.txt').expect(201);
    const [{ storage_key: key }] = await t.sql<{ storage_key: string }>('SELECT storage_key FROM evidence WHERE id = $1', [upload.body.id]);
    unlinkSync(join(t.dataDir, 'evidence', key));
    const dup = { email: `dup-${Date.now()}@test.local`, name: 'Dup', role: 'VIEWER', password: 'password-123' };
    await t.http().post('/api/v1/users').set(...bearer(admin)).send(dup).expect(201);
    const viewer = await t.makeUser({ role: 'VIEWER' });
    const errors: Array<[number, request.Test]> = [
      [400, t.http().post('/api/v1/cases').set(...bearer(admin)).send({ title: 5, bogus: true })],
      [400, t.http().post('/api/v1/cases').set(...bearer(admin)).set('Content-Type', 'application/json').send('{"a":')],
      [400, t.http().get('/api/v1/cases/not-a-uuid').set(...bearer(admin))],
      [400, t.http().post('/api/v1/cases').set(...bearer(admin)).send({ title: 'a\u0000b', caseType: 'AUDIT', scopeCode: 'FIN' })],
      [401, t.http().get('/api/v1/cases').set('Authorization', 'Bearer x.y.z')],
      [403, t.http().post('/api/v1/cases').set(...bearer(viewer)).send({ title: 't', caseType: 'AUDIT', scopeCode: 'FIN' })],
      [404, t.http().get('/api/v1/cases/00000000-0000-4000-8000-000000000000').set(...bearer(admin))],
      [404, t.http().delete('/api/v1/nothing/here').set(...bearer(admin))],
      [409, t.http().post('/api/v1/users').set(...bearer(admin)).send(dup)],
      [413, t.http().post('/api/v1/cases').set(...bearer(admin)).set('Content-Type', 'application/json').send(`"${'x'.repeat(ONE_MIB + 10)}"`)],
      [415, t.http().post('/api/v1/cases').set(...bearer(admin)).set('Content-Type', 'text/xml').send('<case/>')],
      [500, t.http().get(`/api/v1/evidence/${upload.body.id}/download`).set(...bearer(admin))],
    ];
    for (const [status, req] of errors) {
      const res = await req;
      expect({ status: res.status, keys: Object.keys(res.body).sort() }).toEqual({ status, keys: ['error', 'message', 'statusCode'] });
      expect({ status, leak: LEAK.exec(res.text)?.[0] }).toEqual({ status, leak: undefined });
      // A server error says so and nothing more (its details, e.g. the missing file's errno, are in the log).
      if (status === 500) expect(res.body.message).toBe('Internal server error');
      expect(res.headers['content-type']).toMatch(/^application\/json/);
    }
  });
});

/** A bare Express app with just the middleware under test. */
async function miniApp(...middleware: express.RequestHandler[]): Promise<{ url: string; close: () => Promise<void> }> {
  const app = express();
  for (const m of middleware) app.use(m);
  app.all('/{*path}', (req, res) => res.json({ ok: true, body: req.body ?? null }));
  const server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise((r) => server.close(() => r())) };
}

describe('request ids', () => {
  it('echoes a sane client id, replaces anything else with a fresh UUID, and is unique per request', async () => {
    const app = await miniApp(new RequestIdMiddleware().use);
    try {
      const given = await request(app.url).get('/x').set('X-Request-Id', 'client-123.abc:def').expect(200);
      expect(given.headers[REQUEST_ID_HEADER]).toBe('client-123.abc:def');
      const ids = new Set<string>();
      for (const bad of [undefined, '', '   ', 'has space', 'x'.repeat(129), 'a"b', 'a;b', '<script>', 'ümlaut', '-starts-with-dash']) {
        const req = request(app.url).get('/x');
        if (bad !== undefined) req.set('X-Request-Id', bad);
        const res = await req.expect(200);
        expect({ bad, id: res.headers[REQUEST_ID_HEADER] }).toEqual({ bad, id: expect.stringMatching(UUID) });
        ids.add(res.headers[REQUEST_ID_HEADER]);
      }
      expect(ids.size).toBe(10);
    } finally {
      await app.close();
    }
    // What an HTTP client cannot even send (CR/LF: header and log injection) is refused the same way.
    expect(saneRequestId('abc\r\nX-Admin: 1')).toBeUndefined();
    expect(saneRequestId(['a', 'b'])).toBeUndefined();
    expect(saneRequestId('x'.repeat(128))).toBe('x'.repeat(128));
  });

  // Mounted first in bootstrap.ts configureApp, so 413s and 415s carry it too.
  it('the app puts x-request-id on every response, errors included, and names it in the error log of a 500', async () => {
    const t = await startTestApp({ env: { OUTBOX_DISPATCHER: 'off', SOCKET_ADAPTER: 'memory' } });
    const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    try {
      const admin = await t.makeUser({ role: 'ADMIN' });
      for (const res of [
        await t.http().get('/api/v1/health'),
        await t.http().get('/api/v1/cases'),
        await t.http().get('/api/v1/nope').set(...bearer(admin)),
        await t.http().post('/api/v1/cases').set(...bearer(admin)).set('Content-Type', 'application/json').send(`"${'x'.repeat(ONE_MIB + 1)}"`),
        await t.http().post('/api/v1/cases').set(...bearer(admin)).set('Content-Type', 'text/plain').send('x'),
      ]) expect({ status: res.status, id: res.headers[REQUEST_ID_HEADER] }).toEqual({ status: res.status, id: expect.stringMatching(UUID) });
      const echoed = await t.http().get('/api/v1/health').set('X-Request-Id', 'support-ticket-42');
      expect(echoed.headers[REQUEST_ID_HEADER]).toBe('support-ticket-42');

      const c = await t.makeCase(admin);
      const up = await t.http().post(`/api/v1/cases/${c.id}/evidence`).set(...bearer(admin)).attach('file', Buffer.from('x'), 'x.txt').expect(201);
      const [{ storage_key: key }] = await t.sql<{ storage_key: string }>('SELECT storage_key FROM evidence WHERE id = $1', [up.body.id]);
      unlinkSync(join(t.dataDir, 'evidence', key));
      const failed = await t.http().get(`/api/v1/evidence/${up.body.id}/download`).set(...bearer(admin)).set('X-Request-Id', 'trace-500');
      expect({ status: failed.status, id: failed.headers[REQUEST_ID_HEADER] }).toEqual({ status: 500, id: 'trace-500' });
      expect(logged.mock.calls.some(([message]) => String(message).includes('requestId=trace-500'))).toBe(true);
    } finally {
      logged.mockRestore();
      await t.close();
    }
  });
});

describe('JSON body limits', () => {
  const nested = (depth: number) => JSON.parse('['.repeat(depth) + ']'.repeat(depth));

  it('finds over-deep nesting without recursing, and keys that name Object.prototype members', () => {
    expect(jsonBodyProblem({ a: nested(MAX_JSON_DEPTH - 1) })).toBeUndefined();
    expect(jsonBodyProblem({ a: nested(MAX_JSON_DEPTH) })).toMatch(/nested deeper than 32/);
    expect(jsonBodyProblem(nested(200_000))).toMatch(/nested deeper/);
    expect(jsonBodyProblem(JSON.parse('{"triggerConfig":{"__proto__":{"isAdmin":true}}}'))).toBe('body.triggerConfig.__proto__ should not exist');
    expect(jsonBodyProblem({ actions: [{ actionConfig: { constructor: 1 } }] })).toBe('body.actions[0].actionConfig.constructor should not exist');
    expect(jsonBodyProblem({ toString: 'x' })).toBe('body.toString should not exist');
    // The deepest body the API takes (a rule with conditions and an in-list) passes.
    expect(jsonBodyProblem({
      name: 'r', triggerType: 'CONDITION', triggerConfig: { match: 'ANY', conditions: [{ field: 'status', op: 'in', value: ['OPEN', 'CLOSED'] }] },
      actions: [{ actionType: 'SEND_NOTIFICATION', actionConfig: { recipients: ['OWNER'], title: 't', message: 'm' } }],
    })).toBeUndefined();
    expect(jsonBodyProblem('plain')).toBeUndefined();
  });

  it('answers such a body 400 in the error shape and lets the others through', async () => {
    const app = await miniApp(express.json({ limit: '1mb' }), new JsonBodyLimitsMiddleware().use);
    try {
      const deep = await request(app.url).post('/x').set('Content-Type', 'application/json').send(`{"a":${'['.repeat(5000)}${']'.repeat(5000)}}`);
      expect({ status: deep.status, body: deep.body }).toEqual({ status: 400, body: { statusCode: 400, error: 'Bad Request', message: [expect.stringMatching(/nested deeper/)] } });
      const proto = await request(app.url).post('/x').set('Content-Type', 'application/json').send('{"__proto__":{"polluted":true}}');
      expect(proto.status).toBe(400);
      await request(app.url).post('/x').send({ fine: [[1]] }).expect(200);
      await request(app.url).get('/x').expect(200);
    } finally {
      await app.close();
    }
  });

  // Fails until bootstrap.ts configureApp mounts it right after express.json: `app.use(new JsonBodyLimitsMiddleware().use);` (reported).
  // Today a deeply nested body is a 500 (stack overflow in the ValidationPipe's class-transformer) and keys like
  it('the app refuses deeply nested bodies and prototype-named keys with 400', async () => {
    const t = await startTestApp({ env: { OUTBOX_DISPATCHER: 'off', SOCKET_ADAPTER: 'memory' } });
    try {
      const admin = await t.makeUser({ role: 'ADMIN' });
      const deep = await t.http().post('/api/v1/cases').set(...bearer(admin)).set('Content-Type', 'application/json')
        .send(`{"title":"t","caseType":"AUDIT","scopeCode":"FIN","x":${'['.repeat(3000)}${']'.repeat(3000)}}`);
      expect(deep.status).toBe(400);
      for (const key of ['constructor', 'toString', '__proto__']) {
        const res = await t.http().post('/api/v1/cases').set(...bearer(admin)).set('Content-Type', 'application/json')
          .send(`{"title":"t","caseType":"AUDIT","scopeCode":"FIN","${key}":{"a":1}}`);
        expect({ key, status: res.status }).toEqual({ key, status: 400 });
      }
    } finally {
      await t.close();
    }
  });
});
