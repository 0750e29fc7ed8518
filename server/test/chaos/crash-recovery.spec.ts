import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { freePort, startServerProcess, type ServerProcess } from '../server-process';

/**
 * The real server process, on its own embedded PostgreSQL, SIGKILLed at
 * random moments during a burst of status changes and restarted each time
 * (adopting the PostgreSQL the kill left running). Afterwards every
 * acknowledged change is there, every (event, rule) ran exactly once and the
 * outbox is empty.
 */
const CHANGES = Number(process.env.CHAOS_CHANGES ?? 2000);
const KILLS = Number(process.env.CHAOS_KILLS ?? 5);
const CASES = 40;
const STATUSES = ['IN_PROGRESS', 'UNDER_REVIEW', 'OPEN'] as const;

describe('crash recovery: SIGKILL during a burst', () => {
  let dataDir: string;
  let port: number;
  let server: ServerProcess | undefined;
  const env = () => ({
    DATA_DIR: dataDir, JWT_SECRET: 'crash-test-secret-'.padEnd(48, 'x'), ADMIN_EMAIL: 'chaos@test.local', ADMIN_PASSWORD: 'Chaos-Password-1',
    DEMO_DATA: 'false',
  });

  beforeAll(async () => {
    dataDir = mkdtempSync('/var/tmp/acos-crash-');
    chmodSync(dataDir, 0o755);
    port = await freePort();
    server = await startServerProcess(env(), port);
  });

  afterAll(async () => {
    await server?.kill('SIGTERM');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it(`survives ${KILLS} kills during ${CHANGES} status changes with no lost or duplicated work`, async () => {
    const base = `http://127.0.0.1:${port}/api/v1`;
    const call = async (method: string, path: string, token?: string, body?: unknown) => {
      const res = await fetch(base + path, {
        method, headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(10_000),
      });
      return { status: res.status, body: res.status === 204 ? null : await res.json() };
    };
    const { body: login } = await call('POST', '/auth/login', undefined, { email: 'chaos@test.local', password: 'Chaos-Password-1' });
    const token = login.accessToken as string;
    const { body: assignee } = await call('POST', '/users', token, { email: 'assignee@test.local', name: 'Assignee', role: 'INVESTIGATOR', password: 'Assignee-Pass-1' });
    const timelineRule = (await call('POST', '/workflows/rules', token, {
      name: 'log every status change', triggerType: 'STATUS_CHANGE', triggerConfig: {}, cooldownSeconds: 0,
      actions: [{ actionType: 'CREATE_TIMELINE', actionConfig: { message: 'now {{case.status}} (was {{case.previousStatus}})' } }],
    })).body;
    const notifyRule = (await call('POST', '/workflows/rules', token, {
      name: 'tell the assignee', triggerType: 'EVENT', triggerConfig: { event: 'case.status_changed' }, cooldownSeconds: 0,
      actions: [{ actionType: 'SEND_NOTIFICATION', actionConfig: { recipients: ['ASSIGNEE'], title: '{{case.caseNumber}}', message: '{{case.status}}' } }],
    })).body;
    expect(timelineRule.id && notifyRule.id).toBeTruthy();
    const caseIds: string[] = [];
    for (let i = 0; i < CASES; i++) {
      caseIds.push((await call('POST', '/cases', token, { title: `crash ${i}`, caseType: 'AUDIT', scopeCode: 'CRASH', assigneeId: assignee.id })).body.id);
    }

    // Drivers: one per case chain, so each case's changes are ordered; an error (server down) is retried later.
    const acknowledged: Array<{ caseId: string; to: string }> = [];
    let sent = 0;
    let restarting: Promise<void> | undefined;
    const nextStatus = new Map(caseIds.map((id) => [id, 0]));
    const drive = async (worker: number) => {
      const mine = caseIds.filter((_, i) => i % 8 === worker);
      for (let turn = 0; sent < CHANGES; turn++) {
        const caseId = mine[turn % mine.length];
        const to = STATUSES[nextStatus.get(caseId)! % STATUSES.length];
        sent++;
        try {
          const res = await call('PATCH', `/cases/${caseId}`, token, { status: to });
          if (res.status === 200) { acknowledged.push({ caseId, to }); nextStatus.set(caseId, nextStatus.get(caseId)! + 1); }
        } catch {
          // Unknown outcome (the server died mid-request): not counted as acknowledged.
          sent--;
          const now = await call('GET', `/cases/${caseId}`, token).catch(() => undefined);
          if (now?.status === 200 && now.body.status === to) nextStatus.set(caseId, nextStatus.get(caseId)! + 1);
          await (restarting ?? new Promise((r) => setTimeout(r, 200)));
        }
      }
    };
    let kills = 0;
    const killer = (async () => {
      while (kills < KILLS && sent < CHANGES) {
        await new Promise((r) => setTimeout(r, 800 + Math.random() * 1500));
        if (sent >= CHANGES) break;
        kills++;
        restarting = (async () => {
          await server!.kill('SIGKILL');
          server = await startServerProcess(env(), port);
        })();
        await restarting;
        restarting = undefined;
      }
    })();
    // Two drivers per case is not allowed (order), so workers take disjoint cases: 8 workers, CASES % 8 == 0.
    await Promise.all(Array.from({ length: 8 }, (_, w) => drive(w)));
    await killer;
    expect(kills).toBe(KILLS);

    // Straight to the database the server used.
    const pgDir = join(dataDir, 'pg');
    const pgPort = readFileSync(join(pgDir, 'postmaster.pid'), 'utf8').split('\n')[3].trim();
    const password = readFileSync(join(dataDir, 'pg-password'), 'utf8').trim();
    const db = new Client({ connectionString: `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${pgPort}/auditcaseos` });
    await db.connect();
    try {
      const deadline = Date.now() + 60_000;
      for (;;) {
        const { rows: [{ n }] } = await db.query('SELECT count(*) AS n FROM domain_events WHERE processed_at IS NULL');
        if (Number(n) === 0) break;
        if (Date.now() > deadline) throw new Error(`${n} events still unprocessed`);
        await new Promise((r) => setTimeout(r, 200));
      }
      // Every acknowledged change is in the timeline (person-made status changes).
      const { rows: changes } = await db.query(
        `SELECT case_id, message FROM case_timeline WHERE kind = 'STATUS_CHANGE' AND rule_id IS NULL AND case_id = ANY($1)`, [caseIds]);
      const recorded = new Map<string, number>();
      for (const c of changes) recorded.set(c.case_id, (recorded.get(c.case_id) ?? 0) + 1);
      const ackPerCase = new Map<string, number>();
      for (const a of acknowledged) ackPerCase.set(a.caseId, (ackPerCase.get(a.caseId) ?? 0) + 1);
      for (const [caseId, n] of ackPerCase) expect(recorded.get(caseId) ?? 0).toBeGreaterThanOrEqual(n);

      const { rows: [{ events }] } = await db.query(`SELECT count(*)::int AS events FROM domain_events WHERE name = 'case.status_changed'`);
      expect(events).toBeGreaterThanOrEqual(acknowledged.length);
      // Exactly once per (event, rule): no duplicates, none missing.
      const { rows: dupes } = await db.query(
        `SELECT event_id, rule_id FROM workflow_history WHERE retry_of IS NULL GROUP BY event_id, rule_id HAVING count(*) > 1`);
      expect(dupes).toEqual([]);
      const { rows: missing } = await db.query(
        `SELECT e.id, r.id AS rule_id FROM domain_events e CROSS JOIN (VALUES ($1::uuid), ($2::uuid)) AS r(id)
          WHERE e.name = 'case.status_changed'
            AND NOT EXISTS (SELECT 1 FROM workflow_history h WHERE h.event_id = e.id AND h.rule_id = r.id)`, [timelineRule.id, notifyRule.id]);
      expect(missing).toEqual([]);
      // The side effects match the runs one for one.
      const { rows: [{ entries }] } = await db.query(`SELECT count(*)::int AS entries FROM case_timeline WHERE kind = 'WORKFLOW' AND rule_id = $1`, [timelineRule.id]);
      const { rows: [{ notes }] } = await db.query(`SELECT count(*)::int AS notes FROM notifications WHERE rule_id = $1`, [notifyRule.id]);
      expect(entries).toBe(events);
      expect(notes).toBe(events);
      console.log(JSON.stringify({ chaos: 'crash-recovery', kills, acknowledged: acknowledged.length, events, historyRows: events * 2, duplicates: dupes.length }));
    } finally {
      await db.end();
    }
  }, 300_000);
});
