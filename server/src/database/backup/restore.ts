import { spawnSync } from 'node:child_process';
import { chmodSync, closeSync, createReadStream, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { PassThrough } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { prepareDataDir } from '../../config/data-dir';
import { createReachableFolder, postgresIdentity } from '../postgres-os';
import { BACKUP_FORMAT, MANIFEST, type BackupManifest } from './backup';
import { readTar } from './tar';

type Log = (message: string) => void;

/** A refusal the operator can act on (exit code 2), as opposed to a failure. */
export class RestoreRefused extends Error {}

/** The archive's path split into safe parts: nothing absolute, no "..", nothing empty. */
function safeParts(name: string): string[] {
  const parts = name.split('/').filter((p) => p !== '' && p !== '.');
  if (name.startsWith('/') || !parts.length || parts.some((p) => p === '..' || p.includes('\\') || p.includes('\0'))) {
    throw new Error(`the archive holds an entry named ${JSON.stringify(name)}, which would land outside DATA_DIR: refusing it`);
  }
  return parts;
}

/**
 * Modes by place, not as archived: the cluster is PostgreSQL's (0700/0600,
 * which it insists on); everything else keeps its owner-only bits and never
 * gains group or other write access.
 */
function modeFor(parts: string[], type: 'file' | 'dir', archived: number): number {
  if (parts[0] === 'pg') return type === 'dir' ? 0o700 : 0o600;
  return (archived & 0o755) | 0o600 | (type === 'dir' ? 0o700 : 0);
}

/** Unpacks the archive into `target`; returns its manifest (the last entry of a complete archive). */
async function unpack(archive: string, target: string): Promise<BackupManifest> {
  let fd: number | undefined;
  let manifestText: string | undefined;
  let afterManifest = false;
  const closeCurrent = () => {
    if (fd !== undefined) closeSync(fd);
    fd = undefined;
  };
  const entries = new PassThrough();
  const reading = readTar(entries, (entry) => {
    closeCurrent();
    if (manifestText !== undefined) afterManifest = true;
    const parts = safeParts(entry.name);
    const path = join(target, ...parts);
    if (entry.type === 'dir') {
      mkdirSync(path, { recursive: true, mode: 0o700 });
      chmodSync(path, modeFor(parts, 'dir', entry.mode));
    } else if (parts.length === 1 && parts[0] === MANIFEST) {
      manifestText = '';
    } else {
      mkdirSync(join(target, ...parts.slice(0, -1)), { recursive: true, mode: 0o700 });
      fd = openSync(path, 'wx', modeFor(parts, 'file', entry.mode));
    }
  }, (chunk) => {
    if (fd !== undefined) writeSync(fd, chunk);
    else if (manifestText !== undefined) manifestText += chunk.toString('utf8');
  });
  const source = createReadStream(archive);
  // A refused entry stops the reading: stop the file stream too rather than leave it waiting.
  reading.catch(() => source.destroy());
  try {
    await Promise.all([pipeline(source, createGunzip(), entries), reading]);
  } finally {
    closeCurrent();
  }
  let manifest: BackupManifest | undefined;
  try {
    manifest = manifestText === undefined ? undefined : (JSON.parse(manifestText) as BackupManifest);
  } catch { /* reported below */ }
  if (!manifest || afterManifest || manifest.product !== 'auditcaseos') {
    throw new Error(`${archive} is not a complete AuditCaseOS backup (its closing ${MANIFEST} is missing or not last)`);
  }
  if (manifest.format !== BACKUP_FORMAT) throw new Error(`${archive} has backup format ${manifest.format}; this version reads format ${BACKUP_FORMAT}`);
  if (!existsSync(join(target, 'pg', 'PG_VERSION'))) throw new Error(`${archive} holds no database cluster (pg/PG_VERSION)`);
  return manifest;
}

/**
 * `npm run restore -- <archive>`: into an empty (or missing) DATA_DIR only.
 * The archive is unpacked into a staging folder inside DATA_DIR and moved
 * into place only once complete, so a failed restore leaves no half cluster
 * for the next start to run. The first start then replays the archived WAL.
 */
export async function restoreDataDir(options: { archive: string; dataDir: string; log: Log }): Promise<BackupManifest> {
  const { log } = options;
  const archive = resolve(options.archive);
  const dataDir = resolve(options.dataDir);
  if (!existsSync(archive) || !statSync(archive).isFile()) throw new RestoreRefused(`${archive} is not a file`);
  if (existsSync(dataDir)) {
    if (!statSync(dataDir).isDirectory()) throw new RestoreRefused(`DATA_DIR ${dataDir} is not a folder`);
    const present = readdirSync(dataDir);
    if (present.length) {
      throw new RestoreRefused(`DATA_DIR ${dataDir} is not empty (${present.slice(0, 3).join(', ')}${present.length > 3 ? ', ...' : ''}): `
        + 'a restore never overwrites data; stop the server and move that folder away, or set DATA_DIR to a new or empty folder');
    }
  }
  const who = postgresIdentity(log);
  if (who) {
    createReachableFolder(dataDir);
    prepareDataDir(dataDir, log);
  } else {
    mkdirSync(dataDir, { recursive: true, mode: 0o755 });
  }
  const staging = mkdtempSync(join(dataDir, '.restore-'));
  try {
    const manifest = await unpack(archive, staging);
    if (who) {
      // Files created by root belong to root already; the cluster is the postgres user's.
      const owned = spawnSync('chown', ['-R', '-h', `${who.uid}:${who.gid}`, join(staging, 'pg')], { encoding: 'utf8' });
      if (owned.status !== 0) throw new Error(`chown of the restored cluster failed: ${owned.stderr}`);
    }
    for (const entry of readdirSync(staging)) renameSync(join(staging, entry), join(dataDir, entry));
    log(`restored the ${manifest.mode} backup of ${manifest.createdAt} (${manifest.files} files) into ${dataDir}`
      + (manifest.stopLsn ? `; the first start replays its WAL up to ${manifest.stopLsn}, then the database is writable` : ''));
    return manifest;
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}
