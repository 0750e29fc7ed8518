import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { firstReleaseFolder } from '../database/first-release';
import { isRoot } from '../database/postgres-os';
import { ConfigError, loadConfig } from './app-config';

const SECRET = 's'.repeat(40);

function refusalOf(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems.join('\n');
  }
  throw new Error('loadConfig accepted an unreachable DATA_DIR');
}

// These rules are about running as root (the postgres user runs the database); CI and this machine run as root.
(isRoot() ? describe : describe.skip)('where the data lives, as root', () => {
  let closed: string;
  let system: string;
  const cwd = process.cwd();
  beforeEach(() => {
    // A folder the postgres user cannot enter, like /root.
    closed = mkdtempSync('/var/tmp/acos-closed-');
    chmodSync(closed, 0o700);
    const systemParent = mkdtempSync('/var/tmp/acos-system-');
    chmodSync(systemParent, 0o755);
    system = join(systemParent, 'auditcaseos');
  });
  afterEach(() => {
    process.chdir(cwd);
    rmSync(closed, { recursive: true, force: true });
    rmSync(join(system, '..'), { recursive: true, force: true });
  });

  it('refuses an explicit DATA_DIR the postgres user cannot reach, in one sentence with both fixes, and writes nothing', () => {
    const dataDir = join(closed, 'app', 'data');
    const message = refusalOf({ DATA_DIR: dataDir, ACOS_SYSTEM_DATA_DIR: system });
    expect(message).toContain(`DATA_DIR ${dataDir} is inside a folder the postgres user`);
    expect(message).toMatch(/set DATA_DIR to a folder it can reach \(for example \/var\/lib\/auditcaseos, or leave DATA_DIR unset\)/);
    expect(message).toMatch(/or set DATABASE_URL to use your own PostgreSQL$/);
    expect(message.split(/\.\s/)).toHaveLength(1);
    expect(readdirSync(closed)).toEqual([]);
    expect(existsSync(system)).toBe(false);
    expect(existsSync(firstReleaseFolder(join(dataDir, 'pg')))).toBe(false);
  });

  it('accepts that DATA_DIR with DATABASE_URL, where no postgres user is involved', () => {
    const dataDir = join(closed, 'data');
    const config = loadConfig({ DATA_DIR: dataDir, DATABASE_URL: 'postgres://u:p@db/acos', ACOS_SYSTEM_DATA_DIR: system });
    expect(config.dataDir).toBe(dataDir);
    expect(existsSync(join(dataDir, 'jwt-secret'))).toBe(true);
  });

  it('names the first-release database of a refused DATA_DIR and says it is moved in once DATA_DIR is reachable', () => {
    const dataDir = join(closed, 'data');
    const legacy = firstReleaseFolder(join(dataDir, 'pg'));
    mkdirSync(join(legacy, 'pg'), { recursive: true });
    writeFileSync(join(legacy, 'pg', 'PG_VERSION'), '18\n');
    try {
      const message = refusalOf({ DATA_DIR: dataDir, ACOS_SYSTEM_DATA_DIR: system });
      expect(message).toContain(`the first release's database for this DATA_DIR, ${legacy}/pg, is moved into ${dataDir}/pg by the first start where the postgres user can reach ${dataDir}`);
      expect(existsSync(join(legacy, 'pg', 'PG_VERSION'))).toBe(true);
    } finally {
      rmSync(legacy, { recursive: true, force: true });
    }
  });

  it('lets the postgres user through a closed DATA_DIR of its own (search bit only), whose parents are open', () => {
    const dataDir = join(system, '..', 'data');
    mkdirSync(dataDir, { mode: 0o700 });
    expect(loadConfig({ DATA_DIR: dataDir, JWT_SECRET: SECRET }).dataDir).toBe(dataDir);
    expect(statSync(dataDir).mode & 0o777).toBe(0o701);
  });

  it('keeps ./data when the postgres user can reach it', () => {
    const open = mkdtempSync('/var/tmp/acos-open-');
    chmodSync(open, 0o755);
    try {
      process.chdir(open);
      const config = loadConfig({ JWT_SECRET: SECRET, ACOS_SYSTEM_DATA_DIR: system });
      expect(config.dataDir).toBe(join(open, 'data'));
      expect(existsSync(system)).toBe(false);
    } finally {
      process.chdir(cwd);
      rmSync(open, { recursive: true, force: true });
    }
  });

  it('uses the system folder when ./data is out of reach, and brings the first release\'s secret and evidence along', () => {
    const checkout = join(closed, 'checkout');
    const oldData = join(checkout, 'data');
    mkdirSync(join(oldData, 'evidence'), { recursive: true, mode: 0o700 });
    mkdirSync(join(oldData, 'pg'));
    writeFileSync(join(oldData, 'jwt-secret'), 'first-release-secret-'.padEnd(64, 'x') + '\n', { mode: 0o600 });
    writeFileSync(join(oldData, 'evidence', 'ab12'), Buffer.from([0, 1, 2, 255]), { mode: 0o600 });
    process.chdir(checkout);

    const config = loadConfig({ ACOS_SYSTEM_DATA_DIR: system });
    expect(config.dataDir).toBe(system);
    expect(config.formerDataDirs).toEqual([system, oldData]);
    expect(config.jwtSecret).toBe('first-release-secret-'.padEnd(64, 'x'));
    expect(readFileSync(join(system, 'evidence', 'ab12'))).toEqual(Buffer.from([0, 1, 2, 255]));
    // Reachable by the postgres user, while secrets and evidence stay root's alone.
    expect(statSync(system).mode & 0o777).toBe(0o755);
    expect(statSync(join(system, 'jwt-secret')).mode & 0o777).toBe(0o600);
    expect(statSync(join(system, 'evidence')).mode & 0o777).toBe(0o700);
    // Moved, not duplicated: only the empty folder the first release's cluster never used stays behind.
    expect(readdirSync(oldData)).toEqual(['pg']);
    expect(readdirSync(system).sort()).toEqual(['evidence', 'jwt-secret']);

    // The next start finds nothing more to bring and keeps the same secret.
    expect(loadConfig({ ACOS_SYSTEM_DATA_DIR: system }).jwtSecret).toBe(config.jwtSecret);
  });
});
