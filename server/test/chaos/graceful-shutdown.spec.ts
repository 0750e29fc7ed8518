import { afterAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { freePort, SERVER_ENTRY, startServerProcess, type ServerProcess, postgresProcessesOf } from '../server-process';

/**
 * SIGTERM on the compiled server: under load it stops taking requests, lets what is in flight finish,
 * stops its embedded PostgreSQL and exits 0 within 10 s with no acknowledged change lost; during
 * start-up (PostgreSQL starting, migrations running) it exits just as cleanly, leaving no PostgreSQL behind.
 */
const STATUSES = ['IN_PROGRESS', 'UNDER_REVIEW', 'OPEN'] as const;
const ADMIN = { email: 'stop@test.local', password: 'Stop-Password-1' };
const dirs: string[] = [];
/** Every server process a test started: a test that times out must not leave one starting a PostgreSQL later. */
const servers: Array<ReturnType<typeof spawn>> = [];

function dataDir(): string {
  const dir = mkdtempSync('/var/tmp/acos-stop-');
  chmodSync(dir, 0o755);
  dirs.push(dir);
  return dir;
}

const env = (dir: string) => ({
  DATA_DIR: dir, JWT_SECRET: 'stop-test-secret-'.padEnd(48, 'x'), ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password, DEMO_DATA: 'false',
});

async function started(dir: string, port: number, extra: Record<string, string> = {}): Promise<ServerProcess> {
  const server = await startServerProcess({ ...env(dir), ...extra }, port);
  servers.push(server.proc);
  return server;
}

async function exitOf(proc: ReturnType<typeof spawn>): Promise<{ code: number | null; signal: string | null }> {
  if (proc.exitCode !== null || proc.signalCode !== null) return { code: proc.exitCode, signal: proc.signalCode };
  return new Promise((resolve) => proc.once('exit', (code, signal) => resolve({ code, signal })));
}

afterAll(async () => {
  for (const proc of servers) {
    if (proc.exitCode === null && proc.signalCode === null) {
      proc.kill('SIGTERM');
      await Promise.race([exitOf(proc), new Promise((r) => setTimeout(r, 15_000))]);
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
    }
  }
  for (const dir of dirs) {
    for (const pid of postgresProcessesOf(dir)) process.kill(pid, 'SIGQUIT');
    rmSync(dir, { recursive: true, force: true });
  }
});

describe('graceful shutdown', () => {
  it('under load: exits 0 within 10 s, PostgreSQL stopped, no acknowledged change lost', async () => {
    const dir = dataDir();
    const port = await freePort();
    const server = await started(dir, port);
    const base = `${server.url}/api/v1`;
    const call = async (method: string, path: string, token?: string, body?: unknown) => {
      const res = await fetch(base + path, {
        method, headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(15_000),
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : null };
    };
    const token = (await call('POST', '/auth/login', undefined, ADMIN)).body.accessToken as string;
    const rule = (await call('POST', '/workflows/rules', token, {
      name: 'log every status change', triggerType: 'STATUS_CHANGE', triggerConfig: {}, cooldownSeconds: 0,
      actions: [{ actionType: 'CREATE_TIMELINE', actionConfig: { message: 'now {{case.status}}' } }],
    })).body;
    const caseIds: string[] = [];
    for (let i = 0; i < 16; i++) caseIds.push((await call('POST', '/cases', token, { title: `stop ${i}`, caseType: 'AUDIT', scopeCode: 'STP' })).body.id);

    // 8 drivers change statuses until the server stops answering; only a 200 counts as acknowledged.
    const acknowledged: Array<{ caseId: string; to: string }> = [];
    const refusals = new Set<number>();
    let stopped = false;
    const drive = async (worker: number) => {
      const mine = caseIds.filter((_, i) => i % 8 === worker);
      const current = new Map(mine.map((id) => [id, 'OPEN']));
      for (let turn = 0; !stopped; turn++) {
        const caseId = mine[turn % mine.length];
        const to = STATUSES[(STATUSES.indexOf(current.get(caseId) as (typeof STATUSES)[number]) + 1) % STATUSES.length];
        const res = await call('PATCH', `/cases/${caseId}`, token, { status: to }).catch(() => ({ status: 0, body: null }));
        if (res.status === 200) {
          acknowledged.push({ caseId, to });
          current.set(caseId, to);
        } else {
          refusals.add(res.status);
          stopped = true;
        }
      }
    };
    const drivers = Array.from({ length: 8 }, (_, w) => drive(w));
    await new Promise((r) => setTimeout(r, 1500));
    const postmaster = Number(readFileSync(join(dir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0]);
    const { rows: [{ n: backlog }] } = await withDatabase(dir, (db) => db.query(`SELECT count(*)::int AS n FROM domain_events WHERE processed_at IS NULL`));
    const signalledAt = Date.now();
    server.proc.kill('SIGTERM');
    const exit = await exitOf(server.proc);
    const stopMs = Date.now() - signalledAt;
    stopped = true;
    await Promise.all(drivers);

    expect({ exit, within10s: stopMs <= 10_000 }).toEqual({ exit: { code: 0, signal: null }, within10s: true });
    expect(acknowledged.length).toBeGreaterThan(0);
    // Refused while stopping: 503 (shutting down) or a closed connection; never a 500.
    expect([...refusals].filter((s) => s !== 503 && s !== 0)).toEqual([]);
    expect(postgresProcessesOf(dir)).toEqual([]);
    expect(() => process.kill(postmaster, 0)).toThrow();
    expect(existsSync(join(dir, 'pg', 'postmaster.pid'))).toBe(false);

    // Restarted on the same data: every acknowledged change has its event, and the engine work left over runs once.
    const again = await started(dir, port);
    try {
      await withDatabase(dir, async (db) => {
        const deadline = Date.now() + 30_000;
        for (;;) {
          const { rows: [{ n }] } = await db.query('SELECT count(*)::int AS n FROM domain_events WHERE processed_at IS NULL');
          if (n === 0) break;
          if (Date.now() > deadline) throw new Error(`${n} events still unprocessed 30 s after the restart`);
          await new Promise((r) => setTimeout(r, 200));
        }
        const { rows: events } = await db.query(
          `SELECT e.case_id, h.success FROM domain_events e LEFT JOIN workflow_history h ON h.event_id = e.id AND h.rule_id = $1
            WHERE e.name = 'case.status_changed' AND e.case_id = ANY($2)`, [rule.id, caseIds]);
        const perCase = new Map<string, number>();
        for (const a of acknowledged) perCase.set(a.caseId, (perCase.get(a.caseId) ?? 0) + 1);
        for (const [caseId, n] of perCase) {
          const found = events.filter((e) => e.case_id === caseId).length;
          expect({ caseId, acknowledged: n, eventsAtLeast: found >= n }).toEqual({ caseId, acknowledged: n, eventsAtLeast: true });
        }
        expect(events.filter((e) => e.success !== true)).toEqual([]);
        const { rows: [{ dupes }] } = await db.query(
          `SELECT count(*)::int AS dupes FROM (SELECT event_id FROM workflow_history WHERE rule_id = $1 GROUP BY event_id HAVING count(*) > 1) d`, [rule.id]);
        expect(dupes).toBe(0);
        // The last acknowledged status of each case is what it has (nothing after it was acknowledged or committed).
        const { rows: cases } = await db.query('SELECT id, status FROM cases WHERE id = ANY($1)', [caseIds]);
        const last = new Map(acknowledged.map((a) => [a.caseId, a.to]));
        for (const c of cases) if (last.has(c.id)) expect({ id: c.id, status: c.status }).toEqual({ id: c.id, status: last.get(c.id) });
      });
      console.log(JSON.stringify({ chaos: 'graceful-shutdown', acknowledged: acknowledged.length, backlogWhenSignalled: backlog, stopMs }));
    } finally {
      await again.kill('SIGTERM');
    }
    expect(postgresProcessesOf(dir)).toEqual([]);
  }, 300_000);

  it('SIGTERM during start-up, at several moments: exits 0 and leaves no PostgreSQL running', async () => {
    const dir = dataDir();
    const outcomes: Array<{ afterMs: number; code: number | null; signal: string | null; stopMs: number; postgres: number[] }> = [];
    // The first start initialises the cluster; later ones start it and check migrations. Early, middle and late moments.
    for (const afterMs of [2500, 400, 1200, 2000, 3000, 4500]) {
      const proc = spawn(process.execPath, [SERVER_ENTRY], {
        env: { ...process.env, ...env(dir), PORT: String(await freePort()), HOST: '127.0.0.1', LOG_LEVEL: 'warn', CLIENT_DIR: '/nonexistent' },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      servers.push(proc);
      let errors = '';
      proc.stderr!.on('data', (d) => { errors += d; });
      await new Promise((r) => setTimeout(r, afterMs));
      const signalledAt = Date.now();
      proc.kill('SIGTERM');
      const { code, signal } = await exitOf(proc);
      outcomes.push({ afterMs, code, signal, stopMs: Date.now() - signalledAt, postgres: postgresProcessesOf(dir) });
      if (code !== 0 && signal !== 'SIGTERM') throw new Error(`exit ${code ?? signal} after SIGTERM at ${afterMs} ms: ${errors}`);
    }
    console.log(JSON.stringify({ chaos: 'sigterm-during-start-up', outcomes }));
    // Exit code 0 once our code runs; a signal that arrives while Node itself is still booting ends it before any of
    // our code (or PostgreSQL) has started, which is as clean. A stop does not wait for the migrations or the Nest
    // app being built: PostgreSQL is stopped at once, so the same 10 s bound holds as for a running server.
    for (const o of outcomes) {
      expect({ ...o, stopMs: o.stopMs <= 10_000, clean: o.code === 0 || o.signal === 'SIGTERM' })
        .toEqual({ ...o, stopMs: true, clean: true, postgres: [] });
    }
    expect(outcomes.filter((o) => o.code === 0).length).toBeGreaterThanOrEqual(4);
    expect(existsSync(join(dir, 'pg', 'postmaster.pid'))).toBe(false);
  }, 300_000);

  it('quick start/stop cycles never leave PostgreSQL running; a SIGKILLed server\'s is taken over at the next start', async () => {
    const dir = dataDir();
    const port = await freePort();
    for (let cycle = 0; cycle < 3; cycle++) {
      const server = await started(dir, port);
      const code = await server.kill('SIGTERM');
      expect({ cycle, code, postgres: postgresProcessesOf(dir) }).toEqual({ cycle, code: 0, postgres: [] });
    }
    const killed = await started(dir, port);
    await killed.kill('SIGKILL');
    const left = postgresProcessesOf(dir);
    expect(left.length).toBeGreaterThan(0);
    const next = await started(dir, port, { LOG_LEVEL: 'info' });
    expect(next.output()).toMatch(/reusing the PostgreSQL server/);
    expect(await next.kill('SIGTERM')).toBe(0);
    expect(postgresProcessesOf(dir)).toEqual([]);
  }, 300_000);
});

async function withDatabase<T>(dir: string, work: (db: Client) => Promise<T>): Promise<T> {
  const port = Number(readFileSync(join(dir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[3]);
  const password = readFileSync(join(dir, 'pg-password'), 'utf8').trim();
  const db = new Client({ connectionString: `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/auditcaseos` });
  await db.connect();
  try {
    return await work(db);
  } finally {
    await db.end();
  }
}
