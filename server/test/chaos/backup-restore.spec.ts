import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { existingPostgresUser, isRoot } from '../../src/database/postgres-os';
import { startServerProcess, type ServerProcess } from '../server-process';

/**
 * `npm run backup` taken from a live server while cases are created and
 * changed, rules created and run, and evidence uploaded; `npm run restore`
 * into a new DATA_DIR; a second server on it. Everything acknowledged before
 * the backup began is there, every evidence file with its SHA-256, and both
 * servers go on writing, each to its own cluster.
 */
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const ADMIN = { email: 'backup@test.local', password: 'Backup-Password-1' };

function npmRun(script: string, args: string[], dataDir: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn('npm', ['run', '--silent', script, '--', ...args], {
      env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: '' }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => { output += d; });
    child.stderr.on('data', (d) => { output += d; });
    child.on('exit', (code) => resolve({ code, output }));
  });
}

async function clusterOf(dataDir: string): Promise<Client> {
  const port = readFileSync(join(dataDir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[3].trim();
  const password = readFileSync(join(dataDir, 'pg-password'), 'utf8').trim();
  const db = new Client({ connectionString: `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/auditcaseos` });
  await db.connect();
  return db;
}

describe('backup and restore of the embedded database', () => {
  let original: string;
  let elsewhere: string;
  let restored: string;
  let archive: string;
  let serverA: ServerProcess | undefined;
  let serverB: ServerProcess | undefined;
  let serverC: ServerProcess | undefined;
  /** A case written to the restored copy, and the token that reads it (test 2 backs that copy up cold). */
  let afterRestore: { caseId: string; token: string } | undefined;
  // No JWT_SECRET: the server keeps its own in DATA_DIR, which the backup must carry along.
  const env = (dataDir: string) => ({ DATA_DIR: dataDir, JWT_SECRET: '', ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password, DEMO_DATA: 'false' });

  beforeAll(async () => {
    original = mkdtempSync('/var/tmp/acos-backup-');
    elsewhere = mkdtempSync('/var/tmp/acos-restore-');
    for (const dir of [original, elsewhere]) chmodSync(dir, 0o755);
    restored = join(elsewhere, 'data');
    archive = join(elsewhere, 'auditcaseos.tar.gz');
    serverA = await startServerProcess(env(original));
  }, 120_000);

  afterAll(async () => {
    await Promise.all([serverA?.kill('SIGTERM'), serverB?.kill('SIGTERM'), serverC?.kill('SIGTERM')]);
    rmSync(original, { recursive: true, force: true });
    rmSync(elsewhere, { recursive: true, force: true });
  });

  it('restores every write acknowledged before an online backup taken under load, evidence included, into a separate writable copy', async () => {
    const call = async (base: string, method: string, path: string, token?: string, body?: unknown) => {
      const res = await fetch(`${base}/api/v1${path}`, {
        method, headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(15_000),
      });
      return { status: res.status, body: res.status === 204 ? null : await res.json() };
    };
    const a = serverA!.url;
    const token = (await call(a, 'POST', '/auth/login', undefined, ADMIN)).body.accessToken as string;
    const newRule = (label: string) => call(a, 'POST', '/workflows/rules', token, {
      name: `log status changes ${label}`, triggerType: 'STATUS_CHANGE', triggerConfig: {}, cooldownSeconds: 0,
      actions: [{ actionType: 'CREATE_TIMELINE', actionConfig: { message: 'now {{case.status}}' } }],
    });
    expect((await newRule('first')).status).toBe(201);

    // What the server acknowledged, and when the answer arrived.
    const cases: Array<{ id: string; at: number }> = [];
    const rules: Array<{ id: string; at: number }> = [];
    const changes: Array<{ caseId: string; at: number }> = [];
    const uploads: Array<{ id: string; sha256: string; at: number }> = [];
    let running = true;
    const worker = async (w: number) => {
      const mine: string[] = [];
      for (let turn = 0; running; turn++) {
        if (turn % 3 === 0) {
          const rule = await newRule(`${w}-${turn}`);
          expect(rule.status).toBe(201);
          rules.push({ id: rule.body.id, at: Date.now() });
        }
        const created = await call(a, 'POST', '/cases', token, { title: `backup ${w}-${turn}`, caseType: 'AUDIT', scopeCode: 'BACKUP' });
        expect(created.status).toBe(201);
        cases.push({ id: created.body.id, at: Date.now() });
        mine.push(created.body.id);
        // Real changes only (a PATCH to the current status writes no timeline entry): the new case OPEN → IN_PROGRESS, the previous one on to UNDER_REVIEW.
        const caseId = created.body.id as string;
        const changed = await call(a, 'PATCH', `/cases/${caseId}`, token, { status: 'IN_PROGRESS' });
        expect(changed.status).toBe(200);
        changes.push({ caseId, at: Date.now() });
        if (mine.length > 1) {
          const previous = mine[mine.length - 2];
          expect((await call(a, 'PATCH', `/cases/${previous}`, token, { status: 'UNDER_REVIEW' })).status).toBe(200);
          changes.push({ caseId: previous, at: Date.now() });
        }
        const bytes = randomBytes(10_000 + Math.floor(Math.random() * 90_000));
        const form = new FormData();
        form.append('file', new Blob([bytes]), `ledger-${w}-${turn}.bin`);
        const res = await fetch(`${a}/api/v1/cases/${caseId}/evidence`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
        expect(res.status).toBe(201);
        uploads.push({ id: (await res.json()).id, sha256: sha256(bytes), at: Date.now() });
      }
    };
    const loadStarted = Date.now();
    let loadFailure: unknown;
    const load = Promise.all(Array.from({ length: 3 }, (_, w) => worker(w))).catch((error) => { loadFailure = error; running = false; });
    // Enough acknowledged of every kind before the backup starts, however slow the machine.
    const warmUp = Date.now() + 30_000;
    while (cases.length < 6 || changes.length < 6 || uploads.length < 6 || rules.length < 3) {
      if (loadFailure) throw loadFailure;
      if (Date.now() > warmUp) {
        running = false;
        throw new Error('the load did not get going');
      }
      await new Promise((r) => setTimeout(r, 100));
    }

    // The rule runs committed before the backup began, straight from the original cluster.
    const dbA = await clusterOf(original);
    let historyBefore: string[];
    try {
      historyBefore = (await dbA.query<{ id: string }>('SELECT id FROM workflow_history')).rows.map((r) => r.id);
    } finally {
      await dbA.end();
    }
    const backupStarted = Date.now();
    const phases: Record<string, number> = { warmUp: backupStarted - loadStarted };
    const backup = await npmRun('backup', [archive], original);
    const backupEnded = Date.now();
    running = false;
    await load;
    if (loadFailure) throw loadFailure;
    expect({ code: backup.code, output: backup.output }).toEqual({ code: 0, output: expect.stringMatching(/online/) });
    // The load really ran during the backup.
    expect(cases.filter((c) => c.at > backupStarted && c.at < backupEnded).length).toBeGreaterThan(0);
    expect(statSync(archive).mode & 0o777).toBe(0o600);
    const before = <T extends { at: number }>(list: T[]) => list.filter((x) => x.at < backupStarted);
    expect(historyBefore.length).toBeGreaterThan(0);
    expect(before(uploads).length).toBeGreaterThan(0);

    // Never over existing data.
    const refused = await npmRun('restore', [archive], original);
    expect(refused.code).toBe(2);
    expect(refused.output).toMatch(/is not empty/);

    phases.backup = backupEnded - backupStarted;
    let mark = Date.now();
    const restore = await npmRun('restore', [archive], restored);
    phases.restore = Date.now() - mark;
    expect({ code: restore.code, output: restore.output }).toEqual({ code: 0, output: expect.stringMatching(/restored the online backup/) });
    if (isRoot()) {
      const pg = statSync(join(restored, 'pg'));
      expect({ uid: pg.uid, mode: pg.mode & 0o777 }).toEqual({ uid: existingPostgresUser()!.uid, mode: 0o700 });
      for (const mine of ['evidence', 'jwt-secret', 'pg-password', 'pg-app-password']) expect(statSync(join(restored, mine)).uid).toBe(0);
    }
    mark = Date.now();
    serverB = await startServerProcess(env(restored));
    phases.startRestored = Date.now() - mark;
    const b = serverB.url;

    const dbB = await clusterOf(restored);
    try {
      const present = async (table: string, ids: string[]) =>
        (await dbB.query<{ id: string }>(`SELECT id FROM ${table} WHERE id = ANY($1)`, [ids])).rows.length;
      expect(await present('cases', before(cases).map((c) => c.id))).toBe(before(cases).length);
      expect(await present('workflow_rules', before(rules).map((r) => r.id))).toBe(before(rules).length);
      expect(await present('workflow_history', historyBefore)).toBe(historyBefore.length);
      // Each acknowledged status change left its timeline entry.
      const { rows } = await dbB.query<{ case_id: string; n: number }>(
        `SELECT case_id, count(*)::int AS n FROM case_timeline WHERE kind = 'STATUS_CHANGE' AND rule_id IS NULL GROUP BY case_id`);
      const recorded = new Map(rows.map((r) => [r.case_id, r.n]));
      const acknowledged = new Map<string, number>();
      for (const c of before(changes)) acknowledged.set(c.caseId, (acknowledged.get(c.caseId) ?? 0) + 1);
      for (const [caseId, n] of acknowledged) expect(recorded.get(caseId) ?? 0).toBeGreaterThanOrEqual(n);

      // Every evidence row the copy holds, uploads during the backup included, has its file with its hash.
      const evidence = (await dbB.query<{ id: string; storage_key: string; sha256: string }>('SELECT id, storage_key, sha256 FROM evidence')).rows;
      for (const e of evidence) {
        const file = join(restored, 'evidence', e.storage_key);
        expect({ id: e.id, sha256: existsSync(file) ? sha256(readFileSync(file)) : 'missing' }).toEqual({ id: e.id, sha256: e.sha256 });
      }
      // The acknowledged uploads download from the restored server, with the original's token (its secret came along).
      for (const u of before(uploads)) {
        const res = await fetch(`${b}/api/v1/evidence/${u.id}/download`, { headers: { authorization: `Bearer ${token}` } });
        expect({ id: u.id, status: res.status, sha256: sha256(Buffer.from(await res.arrayBuffer())) }).toEqual({ id: u.id, status: 200, sha256: u.sha256 });
      }

      // Two clusters in two folders, both writable, neither seeing the other's writes.
      const dataDirectory = async (db: Client) => (await db.query<{ d: string }>(`SELECT current_setting('data_directory') AS d`)).rows[0].d;
      expect(await dataDirectory(dbB)).toBe(join(restored, 'pg'));
      const onB = await call(b, 'POST', '/cases', token, { title: 'after the restore', caseType: 'AUDIT', scopeCode: 'BACKUP' });
      expect(onB.status).toBe(201);
      expect((await call(b, 'PATCH', `/cases/${onB.body.id}`, token, { status: 'IN_PROGRESS' })).status).toBe(200);
      afterRestore = { caseId: onB.body.id, token };
      const onA = await call(a, 'POST', '/cases', token, { title: 'original goes on', caseType: 'AUDIT', scopeCode: 'BACKUP' });
      expect(onA.status).toBe(201);
      expect((await call(a, 'GET', `/cases/${onB.body.id}`, token)).status).toBe(404);
      expect((await call(b, 'GET', `/cases/${onA.body.id}`, token)).status).toBe(404);
      const pidOf = (dir: string) => Number(readFileSync(join(dir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0]);
      expect(pidOf(restored)).not.toBe(pidOf(original));
      console.log(JSON.stringify({
        backupRestore: { cases: before(cases).length, changes: before(changes).length, rules: before(rules).length, history: historyBefore.length,
          uploads: before(uploads).length, evidenceRows: evidence.length, phasesMs: phases },
      }));
    } finally {
      await dbB.end();
    }
  }, 180_000);

  it('backs up a stopped cluster cold, and that copy restores and runs too', async () => {
    expect(afterRestore).toBeDefined();
    // SIGTERM stops the server and its embedded PostgreSQL: nothing runs on the restored DATA_DIR now.
    expect(await serverB!.kill('SIGTERM')).toBe(0);
    serverB = undefined;
    expect(existsSync(join(restored, 'pg', 'postmaster.pid'))).toBe(false);
    const coldArchive = join(elsewhere, 'cold.tar.gz');
    const backup = await npmRun('backup', [coldArchive], restored);
    expect({ code: backup.code, output: backup.output }).toEqual({ code: 0, output: expect.stringMatching(/copying the stopped cluster/) });
    const third = join(elsewhere, 'third');
    expect((await npmRun('restore', [coldArchive], third)).code).toBe(0);
    serverC = await startServerProcess(env(third));
    const res = await fetch(`${serverC.url}/api/v1/cases/${afterRestore!.caseId}`, { headers: { authorization: `Bearer ${afterRestore!.token}` } });
    expect({ status: res.status, body: await res.json() }).toEqual({ status: 200, body: expect.objectContaining({ status: 'IN_PROGRESS' }) });
  }, 120_000);
});
