import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { connectSocket, sleep, type CollectingSocket } from '../sockets';
import { startServerProcess, type ServerProcess, postgresProcessesOf } from '../server-process';

/**
 * ENGINE_PROCESS=separate on the compiled server: the supervisor starts one request process and one engine process.
 * Every request is served by the first; the rules run in the second, woken through the supervisor after each commit
 * (the dispatcher's poll is set to a minute here, so only that wake can make a rule run within seconds); the
 * engine's notifications reach sockets held by the request process; a crashed engine process loses nothing.
 */
const ADMIN = { email: 'engine-process@test.local', password: 'Engine-Process-Password-1' };
let dir: string;
let server: ServerProcess;
let token: string;
let socket: CollectingSocket;

interface LogLine { msg?: string; worker?: number; access?: boolean; pid?: number }
const logLines = (): LogLine[] => server.output().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as LogLine);

async function api(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`${server.url}/api/v1${path}`, {
    method, headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, body: res.headers.get('content-type')?.includes('json') ? await res.json() : await res.text() };
}

const until = async (what: string, check: () => boolean, ms = 30_000) => {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
};

beforeAll(async () => {
  dir = mkdtempSync('/var/tmp/acos-engine-process-');
  chmodSync(dir, 0o755);
  server = await startServerProcess({
    ENGINE_PROCESS: 'separate', OUTBOX_POLL_MS: '60000', DATA_DIR: dir, DEMO_DATA: 'false',
    JWT_SECRET: 'engine-process-test-secret-'.padEnd(48, 'x'), ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password,
    LOG_LEVEL: 'info', LOG_FORMAT: 'json',
  });
  const login = await fetch(`${server.url}/api/v1/auth/login`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ADMIN),
  });
  token = (await login.json()).accessToken;
  socket = await connectSocket(server.url, token);
}, 120_000);

afterAll(async () => {
  socket?.close();
  if (server?.proc.exitCode === null) await server.kill('SIGKILL');
  if (dir) {
    for (const pid of postgresProcessesOf(dir)) try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
    rmSync(dir, { recursive: true, force: true });
  }
});

describe('ENGINE_PROCESS=separate: the rules run in a process of their own', () => {
  let caseId: string;

  it('serves requests from the request process only; the engine process runs the rule at once and its toast reaches the socket', async () => {
    const rule = await api('POST', '/workflows/rules', {
      name: 'Tell the admins about every change', triggerType: 'EVENT', triggerConfig: { event: 'case.updated' }, cooldownSeconds: 0,
      actions: [{ actionType: 'SEND_NOTIFICATION', actionConfig: { recipients: ['ADMINS'], title: '{{case.title}}', message: 'changed' } }],
    });
    expect(rule.status).toBe(201);
    const created = await api('POST', '/cases', { title: 'Watched', caseType: 'AUDIT', scopeCode: 'FIN', severity: 'LOW' });
    caseId = created.body.id;
    for (let i = 0; i < 3; i++) {
      expect((await api('PATCH', `/cases/${caseId}`, { title: `Watched ${i}` })).status).toBe(200);
      // Far sooner than the one-minute poll: the commit woke the engine process through the supervisor.
      await socket.next('notification', (n) => n.title === `Watched ${i}`, 10_000);
    }
    const lines = logLines();
    expect(lines.some((l) => l.msg?.includes('engine process 1 (pid'))).toBe(true);
    const served = lines.filter((l) => l.access);
    expect(served.length).toBeGreaterThan(0);
    expect(new Set(served.map((l) => l.worker))).toEqual(new Set([0]));
  });

  it('a crashed engine process loses nothing: requests go on, and their events wait for its replacement', async () => {
    const enginePid = logLines().find((l) => l.worker === 1 && l.pid)!.pid!;
    process.kill(enginePid, 'SIGKILL');
    await until('the supervisor to see the engine process exit', () => logLines().some((l) => l.msg?.includes('worker 1 exited')));
    expect((await api('PATCH', `/cases/${caseId}`, { title: 'While the engine was down' })).status).toBe(200);
    // The request process does not run rules: nothing happens until the engine process is back.
    await sleep(700);
    expect(socket.of('notification').filter((n) => n.title === 'While the engine was down')).toEqual([]);
    await socket.next('notification', (n) => n.title === 'While the engine was down', 60_000);
    await sleep(500);
    expect(socket.of('notification').filter((n) => n.title === 'While the engine was down')).toHaveLength(1);
    expect(logLines().find((l) => l.worker === 1 && l.pid && l.pid !== enginePid)).toBeDefined();
  });

  it('stops both processes and the embedded PostgreSQL on SIGTERM, within 10 s', async () => {
    socket.close();
    const started = Date.now();
    expect(await server.kill('SIGTERM')).toBe(0);
    expect(Date.now() - started).toBeLessThan(10_000);
    await until('PostgreSQL to stop', () => postgresProcessesOf(dir).length === 0, 5_000);
    for (const pid of new Set(logLines().filter((l) => l.worker !== undefined).map((l) => l.pid!))) expect(() => process.kill(pid, 0)).toThrow();
  });
});
