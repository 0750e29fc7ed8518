import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * What the embedded PostgreSQL needs from the operating system: the `postgres`
 * user it runs as when we are root, access checks made as that user, a clean
 * environment for its processes, and signalling a server by pid.
 */
export interface Identity { uid: number; gid: number }

export const isRoot = (): boolean => typeof process.getuid === 'function' && process.getuid() === 0;

function lookup(flag: '-u' | '-g'): number | undefined {
  const r = spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' });
  return r.status === 0 ? Number(r.stdout.trim()) : undefined;
}

/** The `postgres` user's ids, or undefined when it does not exist (yet). */
export function existingPostgresUser(): Identity | undefined {
  const uid = lookup('-u');
  const gid = lookup('-g');
  return uid === undefined || gid === undefined ? undefined : { uid, gid };
}

/** As root: the `postgres` user PostgreSQL runs as, created when missing. Not root: undefined (it runs as us). */
export function postgresIdentity(log: (m: string) => void): Identity | undefined {
  if (!isRoot()) return undefined;
  const existing = existingPostgresUser();
  if (existing) return existing;
  log('running as root: creating the system user "postgres" to run the embedded database');
  spawnSync('groupadd', ['-f', 'postgres']);
  const made = spawnSync('useradd', ['-r', '-g', 'postgres', '-s', '/bin/false', 'postgres'], { encoding: 'utf8' });
  const created = existingPostgresUser();
  if (!created) throw new Error(`could not create the postgres user: ${made.stderr}`);
  return created;
}

/** Whether `who` can do `test <flag> <path>` (the kernel checks every parent folder too). */
export function canAccess(who: Identity | undefined, flag: '-x' | '-w' | '-r', path: string): boolean {
  return spawnSync('test', [flag, path], who ? { uid: who.uid, gid: who.gid } : {}).status === 0;
}

function nearestExisting(path: string): string {
  let p = path;
  while (!existsSync(p) && dirname(p) !== p) p = dirname(p);
  return p;
}

/**
 * Whether the postgres user can reach `path` (which may not exist yet: what we
 * create below its nearest existing folder is made 0755). When that user does
 * not exist yet it will have no groups, so the "other" bits decide.
 */
export function postgresCanReach(path: string): boolean {
  const base = nearestExisting(path);
  const who = existingPostgresUser();
  if (who) return canAccess(who, '-x', base);
  for (let p = base; ; p = dirname(p)) {
    if ((statSync(p).mode & 0o001) === 0) return false;
    if (dirname(p) === p) return true;
  }
}

/** Creates `path` and its missing parents 0755 whatever the umask, so that the postgres user can pass through them. */
export function createReachableFolder(path: string): void {
  const missing: string[] = [];
  for (let p = path; !existsSync(p); p = dirname(p)) missing.unshift(p);
  for (const p of missing) {
    mkdirSync(p, { mode: 0o755 });
    chmodSync(p, 0o755);
  }
}

/**
 * The environment of initdb and postgres: enough to run (PATH, locale, time
 * zone), none of the application's secrets (JWT_SECRET, DATABASE_URL, ...),
 * which a server process would otherwise expose in /proc/<pid>/environ.
 */
export function postgresEnvironment(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = { PATH: process.env.PATH || '/usr/local/bin:/usr/bin:/bin' };
  for (const [name, value] of Object.entries(process.env)) {
    if (value !== undefined && (name === 'LANG' || name === 'TZ' || name.startsWith('LC_'))) env[name] = value;
  }
  return { ...env, ...extra };
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Whether `pid` is a PostgreSQL server. After a reboot or a container restart
 * the pid in a stale postmaster.pid may belong to some other program, which
 * must be neither adopted nor signalled. Unknown (no /proc) counts as yes.
 */
export function isPostgresProcess(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'postgres';
  } catch {
    return !existsSync('/proc/self/comm');
  }
}

/** The pid and port a cluster's postmaster.pid names, if any. */
export function postmasterOf(clusterDir: string): { pid: number; port: number } | undefined {
  try {
    const lines = readFileSync(`${clusterDir}/postmaster.pid`, 'utf8').split('\n');
    return { pid: Number(lines[0]), port: Number(lines[3]) };
  } catch {
    return undefined;
  }
}

export async function waitUntil(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

export async function stopByPid(pid: number, log: (m: string) => void): Promise<void> {
  if (!isAlive(pid)) return;
  // SIGINT = "fast" shutdown: running transactions are rolled back, the data is safe.
  try { process.kill(pid, 'SIGINT'); } catch { return; }
  try {
    await waitUntil(async () => !isAlive(pid), 30_000, 'PostgreSQL to stop');
  } catch {
    log(`PostgreSQL (pid ${pid}) did not stop in 30 s; sending SIGQUIT`);
    try { process.kill(pid, 'SIGQUIT'); } catch { /* already gone */ }
    await waitUntil(async () => !isAlive(pid), 10_000, 'PostgreSQL to stop').catch(() => undefined);
  }
}
