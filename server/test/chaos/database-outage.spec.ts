import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { startEmbeddedPostgres, type RunningPostgres } from '../../src/database/embedded-postgres';
import { freePort, startServerProcess, type ServerProcess } from '../server-process';
import { connectSocket, type CollectingSocket } from '../sockets';

/**
 * The real server process (SOCKET_ADAPTER=postgres, its own embedded
 * PostgreSQL) under a steady load of requests while PostgreSQL is stopped for
 * 10 s and started again on the same port and data. The process must stay up,
 * answer 503 quickly while the database is away, be healthy within 5 s of its
 * return, and lose no event: every status change it acknowledged — before,
 * during the recovery, after — ends up processed, with its history row.
 */
const OUTAGE_MS = Number(process.env.OUTAGE_MS ?? 10_000);
const CASES = 24;
const STATUSES = ['IN_PROGRESS', 'UNDER_REVIEW', 'OPEN'] as const;

interface Answer { status: number; body: any; ms: number }

describe('database outage under load', () => {
  let dataDir: string;
  let server: ServerProcess | undefined;
  let restarted: RunningPostgres | undefined;
  let socket: CollectingSocket | undefined;

  beforeAll(async () => {
    dataDir = mkdtempSync('/var/tmp/acos-outage-');
    chmodSync(dataDir, 0o755);
    server = await startServerProcess({
      DATA_DIR: dataDir, JWT_SECRET: 'outage-test-secret-'.padEnd(48, 'x'), ADMIN_EMAIL: 'outage@test.local', ADMIN_PASSWORD: 'Outage-Password-1',
      DEMO_DATA: 'false', SOCKET_ADAPTER: 'postgres',
    }, await freePort());
  });

  afterAll(async () => {
    socket?.close();
    await server?.kill('SIGTERM');
    // The server stops the PostgreSQL it started; the one this test restarted is ours to stop.
    await restarted?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it(`stays up, answers 503 fast while PostgreSQL is down for ${OUTAGE_MS / 1000} s, recovers within 5 s and loses no event`, async () => {
    const base = `${server!.url}/api/v1`;
    const call = async (method: string, path: string, token?: string, body?: unknown): Promise<Answer> => {
      const started = Date.now();
      const res = await fetch(base + path, {
        method, headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(15_000),
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : null, ms: Date.now() - started };
    };
    const { body: login } = await call('POST', '/auth/login', undefined, { email: 'outage@test.local', password: 'Outage-Password-1' });
    const token = login.accessToken as string;
    const rule = (await call('POST', '/workflows/rules', token, {
      name: 'log every status change', triggerType: 'STATUS_CHANGE', triggerConfig: {}, cooldownSeconds: 0,
      actions: [{ actionType: 'CREATE_TIMELINE', actionConfig: { message: 'now {{case.status}}' } }],
    })).body;
    expect(rule.id).toBeTruthy();
    const caseIds: string[] = [];
    for (let i = 0; i < CASES; i++) caseIds.push((await call('POST', '/cases', token, { title: `outage ${i}`, caseType: 'AUDIT', scopeCode: 'OUT' })).body.id);
    socket = await connectSocket(server!.url, token);

    // The cluster the server started: its pid, port and password.
    const pgDir = join(dataDir, 'pg');
    const pidLines = readFileSync(join(pgDir, 'postmaster.pid'), 'utf8').split('\n');
    const postmaster = Number(pidLines[0]);
    const pgPort = Number(pidLines[3]);
    const password = readFileSync(join(dataDir, 'pg-password'), 'utf8').trim();
    const dbUrl = `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${pgPort}/auditcaseos`;

    // Load: 8 drivers, each changing the status of its own cases. A change is counted only when acknowledged (200); after
    // any other answer its outcome is unknown (it may have committed), so the case is re-read before its next change,
    // and every acknowledged change is a real one (one case.status_changed event each).
    const acknowledged: Array<{ caseId: string; to: string; phase: string }> = [];
    const duringOutage: Answer[] = [];
    let phase: 'before' | 'down' | 'recovering' | 'after' = 'before';
    let stop = false;
    const current = new Map<string, string>(caseIds.map((id) => [id, 'OPEN']));
    const uncertain = new Set<string>();
    const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
    const drive = async (worker: number) => {
      const mine = caseIds.filter((_, i) => i % 8 === worker);
      for (let turn = 0; !stop; turn++) {
        const caseId = mine[turn % mine.length];
        const at = phase;
        if (uncertain.has(caseId)) {
          const now = await call('GET', `/cases/${caseId}`, token).catch(() => undefined);
          if (now?.status !== 200) { if (at === 'down') duringOutage.push(now ?? { status: 0, body: null, ms: 15_000 }); await pause(50); continue; }
          current.set(caseId, now.body.status);
          uncertain.delete(caseId);
        }
        const to = STATUSES[(STATUSES.indexOf(current.get(caseId) as (typeof STATUSES)[number]) + 1) % STATUSES.length];
        const res = await call('PATCH', `/cases/${caseId}`, token, { status: to }).catch(() => ({ status: 0, body: null, ms: 15_000 }));
        if (res.status === 200) {
          acknowledged.push({ caseId, to, phase: at });
          current.set(caseId, to);
          continue;
        }
        uncertain.add(caseId);
        if (at === 'down') duringOutage.push(res);
        else if (res.status !== 503) throw new Error(`PATCH answered ${res.status} (${at}): ${JSON.stringify(res.body)}\n${server!.output().slice(-3000)}`);
        await pause(50);
      }
    };
    const drivers = Array.from({ length: 8 }, (_, w) => drive(w));

    // Let a backlog build, then stop PostgreSQL (SIGINT: fast shutdown, sessions are terminated).
    await new Promise((r) => setTimeout(r, 1500));
    const db = new Client({ connectionString: dbUrl });
    await db.connect();
    const { rows: [{ n: backlog }] } = await db.query(`SELECT count(*)::int AS n FROM domain_events WHERE processed_at IS NULL`);
    await db.end();
    process.kill(postmaster, 'SIGINT');
    phase = 'down';
    const downAt = Date.now();
    while (existsSync(join(pgDir, 'postmaster.pid'))) await new Promise((r) => setTimeout(r, 50));
    const stoppedInMs = Date.now() - downAt;

    // While it is down: health and other routes answer 503 with a clear message, quickly.
    const probes: Answer[] = [];
    while (Date.now() - downAt < OUTAGE_MS) {
      probes.push(await call('GET', '/health'), await call('GET', '/cases?limit=5', token), await call('POST', '/auth/login', undefined, { email: 'outage@test.local', password: 'x' }));
      await new Promise((r) => setTimeout(r, 300));
    }
    expect(server!.proc.exitCode).toBeNull();

    // PostgreSQL is back, on the same port and data.
    phase = 'recovering';
    restarted = await startEmbeddedPostgres({ dataDir: pgDir, port: pgPort, log: () => undefined });
    const backAt = Date.now();
    let healthyInMs = -1;
    let writesInMs = -1;
    while (Date.now() - backAt < 15_000 && (healthyInMs < 0 || writesInMs < 0)) {
      if (healthyInMs < 0 && (await call('GET', '/health')).status === 200) healthyInMs = Date.now() - backAt;
      if (writesInMs < 0 && acknowledged.some((a) => a.phase === 'recovering')) writesInMs = Date.now() - backAt;
      await new Promise((r) => setTimeout(r, 50));
    }
    phase = 'after';
    // The socket connected before the outage gets live events again (the adapter's LISTEN connection came back).
    const probe = caseIds[0];
    const live = socket.next('case:updated', (c) => c.id === probe && c.title === 'after the outage', 5000);
    expect((await call('PATCH', `/cases/${probe}`, token, { title: 'after the outage' })).status).toBe(200);
    await live;
    await new Promise((r) => setTimeout(r, 1000));
    stop = true;
    await Promise.all(drivers);
    expect(server!.proc.exitCode).toBeNull();

    // Down: every answer was a quick 503 in the error shape (never a hang, never a 500).
    const answers = [...probes, ...duringOutage];
    const slowest = Math.max(...answers.map((a) => a.ms));
    const statuses = [...new Set(answers.map((a) => a.status))];
    expect({ statuses, slowestUnder6s: slowest < 6000 }).toEqual({ statuses: [503], slowestUnder6s: true });
    for (const a of answers) expect(a.body).toEqual({ statusCode: 503, error: 'Service Unavailable', message: expect.stringMatching(/database/i) });
    expect(healthyInMs).toBeGreaterThanOrEqual(0);
    expect(healthyInMs).toBeLessThan(5000);
    expect(writesInMs).toBeGreaterThanOrEqual(0);
    expect(writesInMs).toBeLessThan(5000);

    // No event lost: the outbox drains, and every acknowledged change has its event and its history row.
    const check = new Client({ connectionString: dbUrl });
    await check.connect();
    try {
      const deadline = Date.now() + 30_000;
      for (;;) {
        const { rows: [{ n }] } = await check.query('SELECT count(*)::int AS n FROM domain_events WHERE processed_at IS NULL');
        if (n === 0) break;
        if (Date.now() > deadline) throw new Error(`${n} events still unprocessed 30 s after the outage`);
        await new Promise((r) => setTimeout(r, 200));
      }
      const { rows: events } = await check.query(
        `SELECT e.case_id, e.payload->>'toStatus' AS to_status, h.success, e.last_error
           FROM domain_events e LEFT JOIN workflow_history h ON h.event_id = e.id AND h.rule_id = $1
          WHERE e.name = 'case.status_changed' AND e.case_id = ANY($2)`, [rule.id, caseIds]);
      const perCase = new Map<string, number>();
      for (const a of acknowledged) perCase.set(a.caseId, (perCase.get(a.caseId) ?? 0) + 1);
      const eventsPerCase = new Map<string, number>();
      for (const e of events) eventsPerCase.set(e.case_id, (eventsPerCase.get(e.case_id) ?? 0) + 1);
      for (const [caseId, n] of perCase) {
        expect({ caseId, acknowledged: n, atLeastAsManyEvents: (eventsPerCase.get(caseId) ?? 0) >= n }).toEqual({ caseId, acknowledged: n, atLeastAsManyEvents: true });
      }
      // Each event ran the rule exactly once, successfully, and none was set aside with an error.
      expect(events.filter((e) => e.success !== true)).toEqual([]);
      const { rows: [{ dupes }] } = await check.query(
        `SELECT count(*)::int AS dupes FROM (SELECT event_id FROM workflow_history WHERE rule_id = $1 AND retry_of IS NULL GROUP BY event_id HAVING count(*) > 1) d`, [rule.id]);
      expect(dupes).toBe(0);
      const byPhase = Object.fromEntries(['before', 'down', 'recovering', 'after'].map((p) => [p, acknowledged.filter((a) => a.phase === p).length]));
      expect(byPhase.before).toBeGreaterThan(0);
      expect(byPhase.recovering + byPhase.after).toBeGreaterThan(0);
      console.log(JSON.stringify({
        chaos: 'database-outage', outageMs: OUTAGE_MS, postgresStoppedInMs: stoppedInMs, backlogWhenStopped: backlog, answersWhileDown: answers.length,
        slowestAnswerWhileDownMs: slowest, healthyAfterRestartMs: healthyInMs, firstWriteAfterRestartMs: writesInMs, acknowledged: byPhase,
        statusChangeEvents: events.length, historyRows: events.filter((e) => e.success).length,
      }));
    } finally {
      await check.end();
    }
  }, 120_000);
});
