import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { startEmbeddedPostgres, type RunningPostgres } from './embedded-postgres';

const settings = { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' };

async function query<T = Record<string, unknown>>(url: string, text: string, params?: unknown[]): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text, params)).rows as T[];
  } finally {
    await client.end();
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const postmasterPid = (dataDir: string) => Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);

/** One cluster, started and stopped the ways a real deployment does. */
describe('embedded PostgreSQL', () => {
  let dir: string;
  let dataDir: string;
  const running: RunningPostgres[] = [];
  const log: string[] = [];
  const start = async () => {
    const pg = await startEmbeddedPostgres({ dataDir, settings, log: (m) => log.push(m) });
    running.push(pg);
    return pg;
  };

  beforeAll(() => {
    dir = mkdtempSync('/var/tmp/acos-pgtest-');
    chmodSync(dir, 0o755);
    dataDir = join(dir, 'pg');
  });
  afterAll(async () => {
    for (const pg of running) await pg.stop().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  it('initialises a fresh cluster, serves the app database, stops, and starts again with its data', async () => {
    const first = await start();
    expect(first.adopted).toBe(false);
    // The app connects as its own role, not as the superuser; the superuser's address is there for what needs it.
    expect(first.url).toMatch(/^postgres:\/\/auditcaseos:[^@]+@127\.0\.0\.1:\d+\/auditcaseos$/);
    expect(first.adminUrl).toMatch(/^postgres:\/\/postgres:[^@]+@127\.0\.0\.1:\d+\/postgres$/);
    expect(await query(first.url, `SELECT current_user AS me, r.rolsuper, r.rolcreaterole, r.rolcreatedb, r.rolreplication, r.rolbypassrls,
        pg_get_userbyid(d.datdba) AS owner
      FROM pg_roles r, pg_database d WHERE r.rolname = current_user AND d.datname = current_database()`)).toEqual([{
      me: 'auditcaseos', rolsuper: false, rolcreaterole: false, rolcreatedb: false, rolreplication: false, rolbypassrls: false, owner: 'auditcaseos',
    }]);
    await query(first.url, 'CREATE TABLE kept (v text)');
    await query(first.url, "INSERT INTO kept VALUES ('survives a restart')");
    // What only a superuser may do, it may not.
    await expect(query(first.url, "COPY kept FROM PROGRAM 'id'")).rejects.toThrow(/permission denied|must be superuser|pg_execute_server_program/);
    await expect(query(first.url, 'CREATE DATABASE elsewhere')).rejects.toThrow(/permission denied/);
    // Both passwords are kept beside the cluster, readable by this process only.
    expect(statSync(join(dir, 'pg-password')).mode & 0o077).toBe(0);
    expect(statSync(join(dir, 'pg-app-password')).mode & 0o077).toBe(0);
    const pid = postmasterPid(dataDir);
    await first.stop();
    expect(alive(pid)).toBe(false);
    expect(existsSync(join(dataDir, 'postmaster.pid'))).toBe(false);

    const second = await start();
    expect(second.adopted).toBe(false);
    expect(second.url).toBe(first.url.replace(/:\d+\//, `:${second.port}/`));
    expect(await query(second.url, 'SELECT v FROM kept')).toEqual([{ v: 'survives a restart' }]);
  });

  it('adopts the server a SIGKILLed process left running, and can stop it', async () => {
    // The previous test's server is still running and its handle is forgotten, as after a SIGKILL of the app.
    const orphanPid = postmasterPid(dataDir);
    expect(alive(orphanPid)).toBe(true);
    const adopted = await start();
    expect(adopted.adopted).toBe(true);
    expect(adopted.url).toMatch(/^postgres:\/\/auditcaseos:/);
    expect(postmasterPid(dataDir)).toBe(orphanPid);
    expect(await query(adopted.url, 'SELECT v FROM kept')).toEqual([{ v: 'survives a restart' }]);
    await query(adopted.url, "INSERT INTO kept VALUES ('written after adoption')");
    await adopted.stop();
    expect(alive(orphanPid)).toBe(false);
    expect(existsSync(join(dataDir, 'postmaster.pid'))).toBe(false);
  });

  it('hands a database an earlier version made as the superuser over to the app role, once, keeping its data', async () => {
    // As an earlier version left it: no app role, the database and everything in it the superuser's.
    let pg = await start();
    // The app database, as the superuser, on whichever port the cluster now listens.
    const appDb = () => pg.adminUrl.replace(/\/postgres$/, '/auditcaseos');
    await query(appDb(), `REASSIGN OWNED BY auditcaseos TO postgres`);
    await query(pg.adminUrl, 'DROP ROLE auditcaseos');
    await query(appDb(), `CREATE SCHEMA extra;
      CREATE TYPE mood AS ENUM ('calm', 'busy');
      CREATE DOMAIN short_text AS text CHECK (length(VALUE) < 100);
      CREATE TABLE journal (id bigserial PRIMARY KEY, n int GENERATED ALWAYS AS IDENTITY, mood mood, note short_text);
      CREATE TABLE extra.parted (at date NOT NULL) PARTITION BY RANGE (at);
      CREATE TABLE extra.parted_2026 PARTITION OF extra.parted FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
      CREATE SEQUENCE loose_numbers;
      CREATE VIEW calm_entries AS SELECT * FROM journal WHERE mood = 'calm';
      CREATE FUNCTION journal_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'journal is append-only'; END $$;
      CREATE TRIGGER journal_no_update BEFORE UPDATE OR DELETE ON journal FOR EACH ROW EXECUTE FUNCTION journal_is_append_only();
      INSERT INTO journal (mood, note) VALUES ('calm', 'written by the superuser')`);
    const owners = () => query<{ owner: string; n: number }>(appDb(), `
      SELECT pg_get_userbyid(relowner) AS owner, count(*)::int AS n FROM pg_class
       WHERE relnamespace IN ('public'::regnamespace, 'extra'::regnamespace) GROUP BY 1 ORDER BY 1`);
    expect((await owners()).map((o) => o.owner)).toEqual(['postgres']);
    await pg.stop();
    rmSync(join(dir, 'pg-app-password'));

    log.length = 0;
    const upgraded = pg = await start();
    expect(log.join('\n')).toMatch(/handing the database auditcaseos over from postgres to the role auditcaseos/);
    expect((await owners()).map((o) => o.owner)).toEqual(['auditcaseos']);
    expect(await query(appDb(), `SELECT pg_get_userbyid(nspowner) AS owner FROM pg_namespace WHERE nspname = 'extra'`)).toEqual([{ owner: 'auditcaseos' }]);
    expect(await query(appDb(), `SELECT DISTINCT pg_get_userbyid(typowner) AS owner FROM pg_type WHERE typname IN ('mood', 'short_text')`))
      .toEqual([{ owner: 'auditcaseos' }]);
    expect(await query(appDb(), `SELECT pg_get_userbyid(proowner) AS owner FROM pg_proc WHERE proname = 'journal_is_append_only'`)).toEqual([{ owner: 'auditcaseos' }]);
    // The role reads and writes what was the superuser's, and can change it (migrations).
    expect(await query(upgraded.url, 'SELECT note FROM calm_entries')).toEqual([{ note: 'written by the superuser' }]);
    await query(upgraded.url, "INSERT INTO journal (mood, note) VALUES ('busy', 'written by the app'); SELECT nextval('loose_numbers')");
    await query(upgraded.url, 'ALTER TABLE journal ADD COLUMN later text; ALTER TABLE extra.parted ADD COLUMN later text');
    // An owner's UPDATE and DELETE still meet the trigger (the audit log is kept append-only the same way).
    await expect(query(upgraded.url, "UPDATE journal SET note = 'changed'")).rejects.toThrow(/append-only/);
    await expect(query(upgraded.url, 'DELETE FROM journal')).rejects.toThrow(/append-only/);
    // ... and, not being a superuser, it cannot turn triggers off for its session.
    await expect(query(upgraded.url, 'SET session_replication_role = replica')).rejects.toThrow(/permission denied/);
    await upgraded.stop();

    // Once handed over, later starts have nothing to hand over.
    log.length = 0;
    const again = await start();
    expect(log.join('\n')).not.toMatch(/handing/);
    expect(await query(again.url, 'SELECT count(*)::int AS n FROM journal')).toEqual([{ n: 2 }]);
    await again.stop();
  });

  it('ignores a stale postmaster.pid whose pid now belongs to another program, and leaves that program alone', async () => {
    const bystander: ChildProcess = spawn('sleep', ['60'], { stdio: 'ignore' });
    try {
      const owner = statSync(dataDir);
      const pidFile = join(dataDir, 'postmaster.pid');
      writeFileSync(pidFile, [bystander.pid, dataDir, '1700000000', '1', '', '127.0.0.1', '0 0', 'ready', ''].join('\n'), { mode: 0o600 });
      chownSync(pidFile, owner.uid, owner.gid);

      const pg = await start();
      expect(pg.adopted).toBe(false);
      expect(alive(bystander.pid!)).toBe(true);
      expect(await query(pg.url, 'SELECT v FROM kept ORDER BY v')).toEqual([{ v: 'survives a restart' }, { v: 'written after adoption' }]);
      await pg.stop();
      expect(alive(bystander.pid!)).toBe(true);
    } finally {
      bystander.kill('SIGKILL');
    }
  });
});
