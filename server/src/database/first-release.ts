import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, rmdirSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { copyExactly, differences, manifestOf, type TreeEntry } from './file-tree';
import { isAlive, isPostgresProcess, postmasterOf, stopByPid, type Identity } from './postgres-os';

/**
 * The first release, run as root where the postgres user could not reach
 * DATA_DIR, kept the cluster (with pg-password and postgres.log beside it) in
 * /var/tmp/auditcaseos-<hash>/ instead of DATA_DIR. These bring such data home
 * once: copied, verified, renamed into place, and only then the old copy removed.
 */
export function firstReleaseFolder(clusterDir: string): string {
  return `/var/tmp/auditcaseos-${createHash('sha1').update(resolve(clusterDir)).digest('hex').slice(0, 12)}`;
}

/**
 * The first release's copy of the binaries, /var/tmp/auditcaseos-pgbin-<hash of
 * the package folder>: never run again, removed so that nothing of ours is left
 * in /var/tmp (lstat-based removal: a symlink planted there is unlinked, not followed).
 */
export function removeFirstReleaseBinaries(nativeDir: string, log: (m: string) => void): void {
  const old = `/var/tmp/auditcaseos-pgbin-${createHash('sha1').update(nativeDir).digest('hex').slice(0, 10)}`;
  if (!existsSync(old) && !isLink(old)) return;
  rmSync(old, { recursive: true, force: true });
  log(`removed the first release's copy of the PostgreSQL binaries, ${old}`);
}

function isLink(path: string): boolean {
  try { return lstatSync(path).isSymbolicLink(); } catch { return false; }
}

/** The first-release folder holding a cluster for one of these cluster paths, if any. */
export function findFirstReleaseCluster(clusterDirs: string[]): string | undefined {
  return clusterDirs.map(firstReleaseFolder).find((f) => existsSync(join(f, 'pg', 'PG_VERSION')));
}

const ALL_FIELDS: (keyof TreeEntry)[] = ['type', 'size', 'sha256', 'target', 'mode', 'uid', 'gid'];
const sameTree = (a: string, b: string) => differences(manifestOf(a, { hash: true }), manifestOf(b, { hash: true }), ALL_FIELDS);

/**
 * Moves a first-release cluster into `clusterDir` (DATA_DIR/pg) when that has
 * none. Returns what to call once the server answers from the new place: it
 * removes the old folder. A crash at any point leaves a complete copy
 * somewhere: the staging folder is only ever a copy, the rename into
 * DATA_DIR/pg is the commit, and the old folder goes last (the `from` note in
 * the staging folder lets the next start finish an interrupted move).
 */
export async function moveFirstReleaseCluster(options: {
  clusterDir: string;
  formerClusterDirs: string[];
  who: Identity | undefined;
  log: (m: string) => void;
}): Promise<(() => void) | undefined> {
  const { clusterDir, who, log } = options;
  const dataRoot = resolve(clusterDir, '..');
  const staging = join(dataRoot, '.first-release-import');
  const note = join(staging, 'from');
  const finish = (old: string) => () => {
    rmSync(old, { recursive: true, force: true });
    rmSync(staging, { recursive: true, force: true });
    log(`removed the first release's database folder ${old}`);
  };
  if (existsSync(join(clusterDir, 'PG_VERSION'))) {
    if (!existsSync(note)) return undefined;
    // Whatever the note says, only a first-release folder is ever removed.
    const old = readFileSync(note, 'utf8').trim();
    return /^\/var\/tmp\/auditcaseos-[0-9a-f]{12}$/.test(old) ? finish(old) : () => rmSync(staging, { recursive: true, force: true });
  }
  const old = findFirstReleaseCluster(options.formerClusterDirs);
  if (!old) return undefined;
  if (existsSync(clusterDir) && readdirSync(clusterDir).length) {
    throw new Error(`${clusterDir} holds files but no PostgreSQL cluster, so the first release's database in ${old} cannot be moved there; move those files away and start again`);
  }
  const running = postmasterOf(join(old, 'pg'));
  if (running && running.pid > 0 && isAlive(running.pid) && isPostgresProcess(running.pid)) {
    log(`stopping the first release's PostgreSQL (pid ${running.pid}) in ${old} before moving its database`);
    await stopByPid(running.pid, log);
    if (isAlive(running.pid)) throw new Error(`PostgreSQL (pid ${running.pid}) in ${old} did not stop; stop it and start again`);
  }

  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { mode: 0o700 });
  writeFileSync(note, old + '\n', { mode: 0o600 });
  const copy = join(staging, 'copy');
  copyExactly(old, copy);
  const problems = sameTree(old, copy);
  if (problems.length) {
    throw new Error(`the copy of ${old} in ${copy} differs from it (${problems.slice(0, 5).join('; ')}); ${old} is untouched`);
  }
  if (who) {
    // The postgres user may have been re-created with other ids since.
    const owned = spawnSync('chown', ['-R', '-h', `${who.uid}:${who.gid}`, join(copy, 'pg')], { encoding: 'utf8' });
    if (owned.status !== 0) throw new Error(`chown of ${join(copy, 'pg')} failed: ${owned.stderr}`);
  }
  // Beside the cluster: pg-password (which must be the cluster's) and postgres.log; keep anything else too.
  for (const name of readdirSync(copy).filter((n) => n !== 'pg')) {
    const taken = name !== 'pg-password' && existsSync(join(dataRoot, name));
    renameSync(join(copy, name), join(dataRoot, taken ? `${name}.first-release` : name));
  }
  if (existsSync(clusterDir)) rmdirSync(clusterDir);
  renameSync(join(copy, 'pg'), clusterDir);
  log(`moved the first release's database from ${join(old, 'pg')} to ${clusterDir} (verified file by file); ${old} is removed once the server answers`);
  return finish(old);
}

const isEmptyFolder = (path: string) => { try { return readdirSync(path).length === 0; } catch { return false; } };

/**
 * When the root default moved from ./data to the system folder: brings what the
 * first release kept in ./data (jwt-secret, evidence, ...) along, so tokens and
 * evidence downloads keep working. Each entry is copied, verified, renamed into
 * place, and only then removed from ./data. An entry the target already has
 * with other content is left in ./data (and said so), never overwritten.
 */
export function importFirstReleaseFiles(from: string, to: string, log: (m: string) => void): void {
  if (!existsSync(from)) return;
  // The first release left an empty, postgres-owned ./data/pg behind when its cluster went to /var/tmp.
  const names = readdirSync(from).filter((n) => !(n === 'pg' && isEmptyFolder(join(from, n))) && !n.startsWith('.first-release'));
  if (!names.length) return;
  const staging = join(to, '.first-release-files');
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { mode: 0o700 });
  const moved: string[] = [];
  const kept: string[] = [];
  try {
    for (const name of names) {
      const original = join(from, name);
      const target = join(to, name);
      if (existsSync(target)) {
        // Already brought in by an earlier start that stopped before removing the original.
        if (sameTree(original, target).length) kept.push(name);
        else rmSync(original, { recursive: true, force: true });
        continue;
      }
      const copy = join(staging, name);
      copyExactly(original, copy);
      const problems = sameTree(original, copy);
      if (problems.length) throw new Error(`the copy of ${original} differs from it (${problems.slice(0, 5).join('; ')}); it is untouched`);
      renameSync(copy, target);
      rmSync(original, { recursive: true, force: true });
      moved.push(name);
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  if (moved.length) log(`moved the first release's ${moved.join(', ')} from ${from} to ${to} (verified file by file)`);
  if (kept.length) log(`left ${kept.join(', ')} in ${from}: ${to} already has different ones`);
}
