import { afterEach, describe, expect, it } from '@jest/globals';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { Client } from 'pg';
import { startServer } from '../bootstrap';
import { startEmbeddedPostgres } from './embedded-postgres';
import { firstReleaseFolder } from './first-release';
import { packagedNativeDir } from './postgres-binaries';
import { existingPostgresUser, isAlive, isRoot, postmasterOf } from './postgres-os';

const settings = { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' };
const quiet = () => undefined;

async function query<T = Record<string, unknown>>(url: string, text: string): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text)).rows as T[];
  } finally {
    await client.end();
  }
}

function openFolder(prefix: string): string {
  const dir = mkdtempSync(prefix);
  chmodSync(dir, 0o755);
  return dir;
}

/**
 * The first release's layout, as it left it when run as root with DATA_DIR out
 * of the postgres user's reach: the cluster, its pg-password and postgres.log in
 * /var/tmp/auditcaseos-<hash of DATA_DIR/pg>/, an empty postgres-owned DATA_DIR/pg.
 */
async function firstReleaseCluster(clusterDir: string, rows: number) {
  const legacy = firstReleaseFolder(clusterDir);
  mkdirSync(legacy, { mode: 0o755 });
  chmodSync(legacy, 0o755);
  mkdirSync(clusterDir, { recursive: true, mode: 0o700 });
  const who = existingPostgresUser()!;
  chownSync(clusterDir, who.uid, who.gid);
  const pg = await startEmbeddedPostgres({ dataDir: join(legacy, 'pg'), formerClusterDirs: [], settings, log: quiet });
  await query(pg.url, `CREATE TABLE kept AS SELECT n, md5(n::text) AS v FROM generate_series(1, ${rows}) AS n`);
  return { legacy, pg };
}

const contentOf = (url: string) => query<{ count: string; digest: string }>(url, "SELECT count(*), md5(string_agg(v, ',' ORDER BY n)) AS digest FROM kept");

(isRoot() ? describe : describe.skip)('upgrading from the first release (database in /var/tmp)', () => {
  const cleanup: string[] = [];
  const cwd = process.cwd();
  afterEach(() => {
    process.chdir(cwd);
    for (const dir of cleanup.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('moves a running first-release cluster into DATA_DIR/pg once, keeps every row, and leaves nothing in /var/tmp', async () => {
    const dataDir = openFolder('/var/tmp/acos-upgrade-');
    cleanup.push(dataDir);
    const clusterDir = join(dataDir, 'pg');
    const { legacy, pg: first } = await firstReleaseCluster(clusterDir, 5000);
    cleanup.push(legacy);
    const before = await contentOf(first.url);
    // The first release's process was killed: its PostgreSQL still runs. And an earlier attempt crashed mid-copy.
    const oldPid = postmasterOf(join(legacy, 'pg'))!.pid;
    mkdirSync(join(dataDir, '.first-release-import', 'copy', 'pg'), { recursive: true });
    // The first release's copy of the binaries, which must go too.
    const oldBinaries = `/var/tmp/auditcaseos-pgbin-${createHash('sha1').update(await packagedNativeDir()).digest('hex').slice(0, 10)}`;
    mkdirSync(join(oldBinaries, 'native', 'bin'), { recursive: true });
    writeFileSync(join(oldBinaries, 'native', 'bin', 'postgres'), '#!/bin/sh\n', { mode: 0o755 });
    cleanup.push(oldBinaries);
    writeFileSync(join(dataDir, '.first-release-import', 'copy', 'pg', 'half-copied'), 'x');

    const log: string[] = [];
    const pg = await startEmbeddedPostgres({ dataDir: clusterDir, settings, log: (m) => log.push(m) });
    try {
      expect(await contentOf(pg.url)).toEqual(before);
      expect(before[0].count).toBe('5000');
      expect(isAlive(oldPid)).toBe(false);
      expect(existsSync(legacy)).toBe(false);
      expect(existsSync(oldBinaries)).toBe(false);
      expect(log).toContainEqual(expect.stringContaining(`moved the first release's database from ${legacy}/pg to ${clusterDir}`));
      expect(readdirSync(dataDir).sort()).toEqual(['pg', 'pg-app-password', 'pg-password', 'postgres.log']);
      expect(statSync(join(dataDir, 'pg-password')).mode & 0o077).toBe(0);
      expect(statSync(join(dataDir, 'pg-app-password')).mode & 0o077).toBe(0);
      expect(statSync(clusterDir).uid).toBe(existingPostgresUser()!.uid);
      expect(readFileSync(join(clusterDir, 'postmaster.pid'), 'utf8').split('\n')[1]).toBe(clusterDir);
    } finally {
      await pg.stop();
    }

    // Once: the next start is a plain restart.
    const again: string[] = [];
    const restarted = await startEmbeddedPostgres({ dataDir: clusterDir, settings, log: (m) => again.push(m) });
    await restarted.stop();
    expect(again.filter((m) => m.includes('first release'))).toEqual([]);
  });

  it('finishes a move that stopped after the cluster was in place but before the old folder was removed', async () => {
    const dataDir = openFolder('/var/tmp/acos-upgrade-');
    cleanup.push(dataDir);
    const clusterDir = join(dataDir, 'pg');
    const made = await startEmbeddedPostgres({ dataDir: clusterDir, settings, log: quiet });
    await made.stop();
    const legacy = firstReleaseFolder(clusterDir);
    cleanup.push(legacy);
    mkdirSync(join(legacy, 'pg'), { recursive: true });
    writeFileSync(join(legacy, 'pg', 'PG_VERSION'), '18\n');
    mkdirSync(join(dataDir, '.first-release-import'));
    writeFileSync(join(dataDir, '.first-release-import', 'from'), legacy + '\n');

    const pg = await startEmbeddedPostgres({ dataDir: clusterDir, settings, log: quiet });
    await pg.stop();
    expect(existsSync(legacy)).toBe(false);
    expect(existsSync(join(dataDir, '.first-release-import'))).toBe(false);
  });

  it('with DATA_DIR unset and ./data out of reach: the database, secret and evidence all end up in the system folder', async () => {
    const closed = mkdtempSync('/var/tmp/acos-closed-');
    chmodSync(closed, 0o700);
    cleanup.push(closed);
    const oldData = join(closed, 'checkout', 'data');
    mkdirSync(join(oldData, 'evidence'), { recursive: true, mode: 0o700 });
    writeFileSync(join(oldData, 'jwt-secret'), 'first-release-secret-'.padEnd(64, 'y') + '\n', { mode: 0o600 });
    writeFileSync(join(oldData, 'evidence', 'e1'), 'evidence bytes');
    const { legacy, pg: first } = await firstReleaseCluster(join(oldData, 'pg'), 300);
    cleanup.push(legacy);
    const before = await contentOf(first.url);
    await first.stop();
    const system = join(openFolder('/var/tmp/acos-system-'), 'auditcaseos');
    cleanup.push(join(system, '..'));

    process.chdir(join(closed, 'checkout'));
    const server = await startServer({
      env: { ACOS_SYSTEM_DATA_DIR: system, PORT: '0', DEMO_DATA: 'false', LOG_LEVEL: 'error' }, listen: false, logger: false,
    });
    try {
      expect(server.config.dataDir).toBe(system);
      expect(server.config.jwtSecret).toBe('first-release-secret-'.padEnd(64, 'y'));
      expect(await contentOf(server.databaseUrl)).toEqual(before);
      expect(readFileSync(join(system, 'evidence', 'e1'), 'utf8')).toBe('evidence bytes');
      expect(existsSync(legacy)).toBe(false);
      expect(readdirSync(system).sort()).toEqual(['evidence', 'jwt-secret', 'pg', 'pg-app-password', 'pg-password', 'postgres.log']);
    } finally {
      await server.close();
    }
  });
});
