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
    expect(first.url).toMatch(/^postgres:\/\/postgres:[^@]+@127\.0\.0\.1:\d+\/auditcaseos$/);
    await query(first.url, 'CREATE TABLE kept (v text)');
    await query(first.url, "INSERT INTO kept VALUES ('survives a restart')");
    // The password is kept beside the cluster, readable by this process only.
    expect(statSync(join(dir, 'pg-password')).mode & 0o077).toBe(0);
    const pid = postmasterPid(dataDir);
    await first.stop();
    expect(alive(pid)).toBe(false);
    expect(existsSync(join(dataDir, 'postmaster.pid'))).toBe(false);

    const second = await start();
    expect(second.adopted).toBe(false);
    expect(await query(second.url, 'SELECT v FROM kept')).toEqual([{ v: 'survives a restart' }]);
  });

  it('adopts the server a SIGKILLed process left running, and can stop it', async () => {
    // The previous test's server is still running and its handle is forgotten, as after a SIGKILL of the app.
    const orphanPid = postmasterPid(dataDir);
    expect(alive(orphanPid)).toBe(true);
    const adopted = await start();
    expect(adopted.adopted).toBe(true);
    expect(postmasterPid(dataDir)).toBe(orphanPid);
    expect(await query(adopted.url, 'SELECT v FROM kept')).toEqual([{ v: 'survives a restart' }]);
    await query(adopted.url, "INSERT INTO kept VALUES ('written after adoption')");
    await adopted.stop();
    expect(alive(orphanPid)).toBe(false);
    expect(existsSync(join(dataDir, 'postmaster.pid'))).toBe(false);
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
