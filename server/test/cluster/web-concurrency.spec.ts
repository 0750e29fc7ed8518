import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { connectSocket, type CollectingSocket } from '../sockets';
import { startServerProcess, type ServerProcess, postgresProcessesOf } from '../server-process';

/**
 * WEB_CONCURRENCY=2 on the compiled server: one supervisor starts the embedded PostgreSQL and two workers on
 * one port. Requests are spread over both; Socket.IO sessions (long polling included) stay with the worker
 * that holds them and hear events published by the other; /metrics counts both; a killed worker is replaced;
 * SIGTERM stops everything, PostgreSQL included, within 10 s.
 */
const ADMIN = { email: 'cluster@test.local', password: 'Cluster-Password-1' };
let dir: string;
let server: ServerProcess;
let token: string;
const sockets: CollectingSocket[] = [];

interface LogLine { msg?: string; worker?: number; route?: string; access?: boolean; pid?: number }
function logLines(): LogLine[] {
  return server.output().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as LogLine);
}

async function api(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`${server.url}/api/v1${path}`, {
    method, headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, body: res.headers.get('content-type')?.includes('json') ? await res.json() : await res.text() };
}

/** A GET on a connection of its own: the supervisor balances connections, and fetch would reuse one. */
function getOnNewConnection(path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpGet(`${server.url}${path}`, { agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode!));
    });
    req.on('error', reject);
    req.setTimeout(10_000, () => req.destroy(new Error(`GET ${path} got no answer within 10 s`)));
  });
}

const until = async (what: string, check: () => boolean | Promise<boolean>, ms = 20_000) => {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

beforeAll(async () => {
  dir = mkdtempSync('/var/tmp/acos-cluster-');
  chmodSync(dir, 0o755);
  server = await startServerProcess({
    WEB_CONCURRENCY: '2', DATA_DIR: dir, DEMO_DATA: 'false', JWT_SECRET: 'cluster-test-secret-'.padEnd(48, 'x'),
    ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password, LOG_LEVEL: 'info', LOG_FORMAT: 'json',
  });
  const login = await fetch(`${server.url}/api/v1/auth/login`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ADMIN),
  });
  token = (await login.json()).accessToken;
}, 120_000);

afterAll(async () => {
  for (const s of sockets) s.close();
  if (server?.proc.exitCode === null) await server.kill('SIGKILL');
  if (dir) {
    for (const pid of postgresProcessesOf(dir)) try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
    rmSync(dir, { recursive: true, force: true });
  }
});

describe('WEB_CONCURRENCY=2: several server processes on one port', () => {
  it('spreads requests over both workers, which share the one embedded database', async () => {
    const before = logLines().length;
    for (let i = 0; i < 8; i++) expect(await getOnNewConnection('/api/v1/health/live')).toBe(200);
    const served = logLines().slice(before).filter((l) => l.access && l.route === '/api/v1/health/live');
    expect(new Set(served.map((l) => l.worker))).toEqual(new Set([0, 1]));
    // A case made through one worker is read back through the other.
    const created = await api('POST', '/cases', { title: 'Made on one worker', caseType: 'AUDIT', scopeCode: 'FIN', severity: 'HIGH' });
    expect(created.status).toBe(201);
    for (let i = 0; i < 4; i++) expect((await api('GET', `/cases/${created.body.id}`)).body.title).toBe('Made on one worker');
    // Only the supervisor started PostgreSQL: exactly one postmaster serves the data folder.
    const postmasters = postgresProcessesOf(dir).filter((pid) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('-D'));
    expect(postmasters).toHaveLength(1);
  });

  it('keeps Socket.IO sessions on the worker that holds them, long polling included, and fans events out to all', async () => {
    for (const transports of [['polling'], ['polling'], ['polling'], ['websocket'], ['websocket'], ['websocket']] as const) {
      sockets.push(await connectSocket(server.url, token, [...transports]));
    }
    const sessionWorker = (s: CollectingSocket) => s.socket.io.engine.id.split('.')[0];
    const polling = sockets.slice(0, 3);
    const websocket = sockets.slice(3);
    expect(new Set(polling.map(sessionWorker))).toEqual(new Set(['w0', 'w1']));
    expect(new Set(websocket.map(sessionWorker))).toEqual(new Set(['w0', 'w1']));
    const rule = await api('POST', '/workflows/rules', {
      name: 'Tell the admins about every change', triggerType: 'EVENT', triggerConfig: { event: 'case.updated' }, cooldownSeconds: 0,
      actions: [{ actionType: 'SEND_NOTIFICATION', actionConfig: { recipients: ['ADMINS'], title: '{{case.title}}', message: 'changed' } }],
    });
    expect(rule.status).toBe(201);
    const created = await api('POST', '/cases', { title: 'Watched', caseType: 'AUDIT', scopeCode: 'FIN', severity: 'LOW' });
    // Several changes, so the PATCHes, the rule runs and the notifications happen on both workers.
    for (let i = 0; i < 4; i++) {
      expect((await api('PATCH', `/cases/${created.body.id}`, { title: `Watched ${i}` })).status).toBe(200);
      // Notifications reach every session, on either worker and over either transport.
      await Promise.all(sockets.map((s) => s.next('notification', (p) => p.title === `Watched ${i}`, 10_000)));
      // Every session hears each change of the case, also when its notification is being written at the same moment.
      await Promise.all(sockets.map((s) => s.next('case:updated', (p) => p.id === created.body.id && p.title === `Watched ${i}`)));
    }
    // The long-polling sessions survived many requests: each one was routed back to its own worker.
    expect(sockets.every((s) => s.socket.connected)).toBe(true);
  });

  it('hands every byte of a connection to its worker: a WebSocket client\'s first frame is never left with the supervisor', async () => {
    // The client speaks right after the worker answers the upgrade; a supervisor still reading the connection took
    // that frame (measured: 2 to 7 of 100 sessions never connected before the fix).
    for (let i = 0; i < 40; i++) {
      const socket = await connectSocket(server.url, token, ['websocket']);
      socket.close();
    }
  });

  it('answers /metrics with the sum over both workers', async () => {
    const scrape = async () => {
      const text = await (await fetch(`${server.url}/metrics`)).text();
      const line = text.split('\n').find((l) => l.startsWith('acos_http_request_duration_seconds_count{') && l.includes('route="/api/v1/auth/providers"'));
      return line ? Number(line.split(' ').pop()) : 0;
    };
    const before = await scrape();
    for (let i = 0; i < 6; i++) expect(await getOnNewConnection('/api/v1/auth/providers')).toBe(200);
    expect(await scrape()).toBe(before + 6);
  });

  it('replaces a worker that dies, serving from the other meanwhile', async () => {
    const workerPids = new Map(logLines().filter((l) => l.worker !== undefined).map((l) => [l.worker!, l.pid!]));
    const victim = workerPids.get(1)!;
    const readyBefore = logLines().filter((l) => l.msg?.includes('worker 1 (pid')).length;
    process.kill(victim, 'SIGKILL');
    // Connections caught in the crash fail as with any crashed process, but fail at once: none is left hanging.
    const racing = await Promise.all(Array.from({ length: 6 }, () => getOnNewConnection('/api/v1/health/live').catch((e: Error) => e.message)));
    for (const outcome of racing) expect(outcome === 200 || !String(outcome).includes('no answer')).toBe(true);
    await until('the supervisor to see the exit', () => logLines().some((l) => l.msg?.includes('worker 1 exited')));
    // From then on the live worker serves every new connection.
    for (let i = 0; i < 6; i++) expect(await getOnNewConnection('/api/v1/health/live')).toBe(200);
    await until('worker 1 to be started again', () => logLines().filter((l) => l.msg?.includes('worker 1 (pid')).length > readyBefore);
    const before = logLines().length;
    for (let i = 0; i < 6; i++) expect(await getOnNewConnection('/api/v1/health/live')).toBe(200);
    const served = logLines().slice(before).filter((l) => l.access);
    expect(new Set(served.map((l) => l.worker))).toEqual(new Set([0, 1]));
    expect(served.find((l) => l.worker === 1)!.pid).not.toBe(victim);
  });

  it('stops the workers and the embedded PostgreSQL on SIGTERM, within 10 s', async () => {
    for (const s of sockets) s.close();
    const started = Date.now();
    const code = await server.kill('SIGTERM');
    expect(code).toBe(0);
    expect(Date.now() - started).toBeLessThan(10_000);
    await until('PostgreSQL to stop', () => postgresProcessesOf(dir).length === 0, 5_000);
    const workerPids = new Set(logLines().filter((l) => l.worker !== undefined).map((l) => l.pid!));
    for (const pid of workerPids) expect(() => process.kill(pid, 0)).toThrow();
  });
});
