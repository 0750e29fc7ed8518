import { chmodSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { findFirstReleaseCluster } from '../database/first-release';
import { createReachableFolder, existingPostgresUser, canAccess, isRoot, postgresCanReach } from '../database/postgres-os';

/** Where DATA_DIR goes when run as root with the embedded database and ./data out of the postgres user's reach. */
export const SYSTEM_DATA_DIR = '/var/lib/auditcaseos';

/** The system location; ACOS_SYSTEM_DATA_DIR moves it for tests, so they never touch the real one. */
export function systemDataDir(env: Record<string, string | undefined>): string {
  return resolve(env.ACOS_SYSTEM_DATA_DIR?.trim() || SYSTEM_DATA_DIR);
}

export interface DataDirPlacement {
  dataDir: string;
  /** DATA_DIRs whose first-release data belongs here: this one, and ./data when the root default moved. */
  formerDataDirs: string[];
  /** Set when the embedded database cannot run there: the refusal, one sentence. */
  problem?: string;
  /** Which folder was chosen and why, when that is not the plain default. */
  note?: string;
}

/**
 * Where the data lives (README "Where the data lives"). The embedded cluster is
 * always DATA_DIR/pg, run by the `postgres` user when we are root, so as root
 * the folders above DATA_DIR must let that user through: DATA_DIR unset, ./data
 * if they do, else the system folder; set, it is used as given or refused,
 * never moved elsewhere. DATA_DIR itself is ours and is opened as needed (below).
 */
export function placeDataDir(env: Record<string, string | undefined>, embedded: boolean): DataDirPlacement {
  const explicit = env.DATA_DIR?.trim();
  const wanted = resolve(explicit || './data');
  if (!embedded || !isRoot()) return { dataDir: wanted, formerDataDirs: [wanted] };
  if (postgresCanReach(dirname(wanted))) {
    const note = explicit ? undefined : `DATA_DIR is unset: the data lives in ${wanted}, which the postgres user that runs the embedded database can reach`;
    return { dataDir: wanted, formerDataDirs: [wanted], note };
  }
  if (explicit) return { dataDir: wanted, formerDataDirs: [wanted], problem: refusal('DATA_DIR', wanted) };
  const system = systemDataDir(env);
  if (!postgresCanReach(dirname(system))) return { dataDir: system, formerDataDirs: [system], problem: refusal('the system data folder', system) };
  return {
    dataDir: system,
    formerDataDirs: [system, wanted],
    note: `DATA_DIR is unset and the postgres user that runs the embedded database cannot reach ${wanted}: the data lives in ${system}`,
  };
}

function refusal(what: string, dir: string): string {
  const legacy = findFirstReleaseCluster([join(dir, 'pg')]);
  return `${what} ${dir} is inside a folder the postgres user (which runs the embedded database as root) cannot enter, `
    + `so either set DATA_DIR to a folder it can reach (for example ${SYSTEM_DATA_DIR}, or leave DATA_DIR unset) `
    + `or set DATABASE_URL to use your own PostgreSQL`
    + (legacy
      ? `; the first release's database for this DATA_DIR, ${legacy}/pg, is moved into ${dir}/pg by the first start where the postgres user can reach ${dir} (for example after "chmod o+x" on its closed parent folders), so keep it until then`
      : '');
}

/**
 * As root with the embedded database: DATA_DIR exists and the postgres user can
 * pass through it to DATA_DIR/pg. Only the search bit for others is added to a
 * closed DATA_DIR (the first release could create it 0700): its listing,
 * evidence (0700) and secrets (0600) stay root's.
 */
export function prepareDataDir(dataDir: string, log: (m: string) => void): void {
  createReachableFolder(dataDir);
  const who = existingPostgresUser();
  if (who ? canAccess(who, '-x', dataDir) : (statSync(dataDir).mode & 0o001) !== 0) return;
  chmodSync(dataDir, (statSync(dataDir).mode & 0o7777) | 0o001);
  log(`made ${dataDir} passable (o+x, not readable) for the postgres user that runs the embedded database in ${dataDir}/pg`);
}
