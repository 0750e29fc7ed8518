import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { CasesService } from '../../cases/cases.service';
import { bearer, startTestApp, type TestApp, type TestUser } from '../../../test/harness';

const ANSI = /\x1b\[/;

async function closedStream(path: string): Promise<{ stream: NodeJS.WritableStream; done: () => Promise<string> }> {
  const stream = createWriteStream(path);
  await new Promise((resolve) => stream.once('open', resolve));
  return { stream, done: async () => { await new Promise((resolve) => stream.end(resolve)); return readFileSync(path, 'utf8'); } };
}

describe('logs as JSON lines', () => {
  let dir: string;
  let t: TestApp;
  let admin: TestUser;
  let log: Awaited<ReturnType<typeof closedStream>>;
  let restore: (() => void) | undefined;

  beforeAll(async () => {
    dir = mkdtempSync('/var/tmp/acos-logs-');
    log = await closedStream(join(dir, 'server.log'));
    t = await startTestApp({ env: { LOG_FORMAT: 'json' }, logger: ['error', 'warn', 'log'], logDestination: log.stream });
    admin = await t.makeUser({ role: 'ADMIN' });
    // A service deep in the request writes a line after a few asynchronous hops (a timer, a database round trip).
    const cases = t.get(CasesService);
    const original = cases.get.bind(cases);
    cases.get = async (...args: Parameters<typeof original>) => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      const view = await original(...args);
      new Logger('DeepService').log(`read case ${view.number}`);
      return view;
    };
    restore = () => { cases.get = original; };
  });
  afterAll(async () => {
    restore?.();
    await t?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes one JSON object per line: an access line per request and application lines with its request id', async () => {
    const made = await t.makeCase(admin, { scopeCode: 'LOG' });
    const res = await t.http().get(`/api/v1/cases/${made.id}`).set(...bearer(admin)).set('X-Request-Id', 'log-test-1').expect(200);
    expect(res.headers['x-request-id']).toBe('log-test-1');
    await t.http().get('/api/v1/cases/not-a-uuid').set(...bearer(admin)).expect(400);
    await t.close();
    const text = await log.done();

    expect(text).not.toMatch(ANSI);
    const lines = text.split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.length).toBeGreaterThan(5);
    for (const line of lines) expect(line).toMatchObject({ level: expect.any(String), time: expect.any(String), msg: expect.any(String) });
    // Nest's own start-up lines come through the same logger.
    expect(lines.some((l) => l.context === 'NestApplication')).toBe(true);

    const access = lines.find((l) => l.access && l.requestId === 'log-test-1');
    expect(access).toMatchObject({ userId: admin.id, method: 'GET', route: '/api/v1/cases/:id', status: 200, durationMs: expect.any(Number) });
    expect(lines.find((l) => l.context === 'DeepService')).toMatchObject({ requestId: 'log-test-1', userId: admin.id, msg: `read case ${made.number}` });
    // A refused request has its line too, with a generated id and the route pattern, never the raw URL.
    expect(lines.find((l) => l.access && l.status === 400)).toMatchObject({ route: '/api/v1/cases/:id', requestId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    // Background work (no request) carries no request id.
    expect(lines.filter((l) => l.context === 'NestApplication').every((l) => l.requestId === undefined)).toBe(true);
  });
});

describe('pretty logs written to a file', () => {
  it('carry no colour codes', async () => {
    const dir = mkdtempSync('/var/tmp/acos-logs-');
    try {
      const log = await closedStream(join(dir, 'pretty.log'));
      const t = await startTestApp({ env: { LOG_FORMAT: 'pretty' }, logger: ['error', 'warn', 'log'], logDestination: log.stream });
      await t.http().get('/api/v1/health/live').expect(200);
      await t.close();
      const text = await log.done();
      expect(text).toMatch(/\[NestApplication\] Nest application successfully started/);
      expect(text).toMatch(/route: "\/api\/v1\/health\/live"/);
      expect(text).not.toMatch(ANSI);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
