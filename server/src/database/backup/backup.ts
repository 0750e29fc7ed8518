import { createWriteStream, existsSync, lstatSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { finished } from 'node:stream/promises';
import { join, relative, resolve, sep } from 'node:path';
import { createGzip } from 'node:zlib';
import { findFirstReleaseCluster } from '../first-release';
import { isAlive, isPostgresProcess, postmasterOf } from '../postgres-os';
import { BaseBackupSession } from './base-backup.repository';
import { TarWriter } from './tar';

/**
 * `npm run backup`: DATA_DIR (the embedded cluster, evidence, generated
 * secrets) as one .tar.gz. A running cluster is copied online with
 * PostgreSQL's low-level backup API plus the WAL written meanwhile; a stopped
 * one is copied as it lies. README "Backup and restore" tells the story.
 */
export const MANIFEST = 'auditcaseos-backup.json';
export const BACKUP_FORMAT = 1;

export interface BackupManifest {
  product: 'auditcaseos';
  format: number;
  createdAt: string;
  mode: 'online' | 'cold';
  dataDir: string;
  postgresVersion?: string;
  startLsn?: string;
  stopLsn?: string;
  files: number;
}

/** Contents PostgreSQL's backup documentation says to leave out: rebuilt or meaningless in a copy. */
const EMPTIED = new Set(['pg_wal', 'pg_replslot', 'pg_dynshmem', 'pg_notify', 'pg_serial', 'pg_snapshots', 'pg_stat_tmp', 'pg_subtrans']);
const SKIPPED = new Set(['postmaster.pid', 'postmaster.opts', 'backup_label', 'tablespace_map', 'backup_label.old']);
const PG_CONTROL = join('global', 'pg_control');

type Log = (message: string) => void;

class ArchiveBuilder {
  files = 0;
  constructor(readonly tar: TarWriter, private readonly log: Log) {}

  /**
   * Every folder and regular file under `root` into the archive below `prefix`;
   * `keep(rel)` decides per entry, `descend(rel)` whether a folder's content follows.
   */
  async tree(root: string, prefix: string, keep: (rel: string) => boolean, descend: (rel: string) => boolean = () => true): Promise<void> {
    const visit = async (rel: string): Promise<void> => {
      const path = rel ? join(root, rel) : root;
      let st;
      try {
        st = lstatSync(path);
      } catch (error) {
        // A live cluster drops temporary files and whole relations while it is copied.
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
        throw error;
      }
      const posix = rel.split(sep).join('/');
      const name = prefix && posix ? `${prefix}/${posix}` : prefix || posix;
      if (st.isDirectory()) {
        if (name) await this.tar.dir(name, st.mode);
        if (!descend(rel)) return;
        let children: string[];
        try {
          children = readdirSync(path).sort();
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
          throw error;
        }
        for (const child of children) {
          const childRel = rel ? join(rel, child) : child;
          if (keep(childRel)) await visit(childRel);
        }
      } else if (st.isFile()) {
        if (await this.tar.file(name, path, st.mode)) this.files++;
      } else {
        this.log(`leaving out ${path}: not a regular file or folder`);
      }
    };
    await visit('');
  }
}

/** A WAL position "X/Y" as a number of bytes. */
const lsnBytes = (lsn: string): bigint => {
  const [hi, lo] = lsn.split('/');
  return (BigInt(`0x${hi}`) << 32n) | BigInt(`0x${lo}`);
};

/** The WAL segment names from the backup's start segment to the one holding the byte before `stopLsn`. */
export function walSegments(startSegment: string, stopLsn: string, segmentBytes: number): string[] {
  const timeline = startSegment.slice(0, 8);
  const perId = 0x1_0000_0000n / BigInt(segmentBytes);
  const first = BigInt(`0x${startSegment.slice(8, 16)}`) * perId + BigInt(`0x${startSegment.slice(16, 24)}`);
  const last = (lsnBytes(stopLsn) - 1n) / BigInt(segmentBytes);
  const hex = (n: bigint) => n.toString(16).toUpperCase().padStart(8, '0');
  const names: string[] = [];
  for (let seg = first; seg <= last; seg++) names.push(timeline + hex(seg / perId) + hex(seg % perId));
  return names;
}

async function onlineCopy(builder: ArchiveBuilder, clusterDir: string, url: string, log: Log): Promise<Partial<BackupManifest>> {
  const session = await BaseBackupSession.open(url);
  try {
    const { segmentBytes, version } = await session.walLayout();
    await session.reserveWal();
    const startLsn = await session.start(`auditcaseos ${new Date().toISOString()}`);
    log(`backup started at WAL ${startLsn}: copying ${clusterDir} while the server runs`);
    // pg_control goes last, as pg_basebackup sends it, so that no file in the copy is newer than it; recovery starts from backup_label either way.
    await builder.tree(clusterDir, 'pg', (rel) => rel !== PG_CONTROL && !SKIPPED.has(rel) && !/(^|\/)pgsql_tmp/.test(rel), (rel) => !EMPTIED.has(rel));
    await builder.tar.file(`pg/global/pg_control`, join(clusterDir, PG_CONTROL), 0o600);
    const stop = await session.stop();
    log(`backup stopped at WAL ${stop.stopLsn}`);
    await builder.tar.bytes('pg/backup_label', 0o600, Buffer.from(stop.labelFile));
    if (stop.tablespaceMap) await builder.tar.bytes('pg/tablespace_map', 0o600, Buffer.from(stop.tablespaceMap));
    const startSegment = stop.labelFile.match(/^START WAL LOCATION: \S+ \(file ([0-9A-F]{24})\)/m)?.[1];
    if (!startSegment) throw new Error('pg_backup_stop returned a backup label without its start WAL file');
    const walDir = join(clusterDir, 'pg_wal');
    for (const sub of ['archive_status', 'summaries']) await builder.tar.dir(`pg/pg_wal/${sub}`, 0o700);
    const history = readdirSync(walDir).filter((f) => /^[0-9A-F]{8}\.history$/.test(f));
    for (const name of [...history, ...walSegments(startSegment, stop.stopLsn, segmentBytes)]) {
      // The slot made in reserveWal keeps these until the session ends, below.
      if (!(await builder.tar.file(`pg/pg_wal/${name}`, join(walDir, name), 0o600))) throw new Error(`WAL segment ${name} vanished before it was copied`);
    }
    return { mode: 'online', postgresVersion: version, startLsn, stopLsn: stop.stopLsn };
  } finally {
    // Ending the session also aborts a backup left started by an error, and drops the temporary slot.
    await session.close();
  }
}

async function coldCopy(builder: ArchiveBuilder, clusterDir: string, log: Log): Promise<Partial<BackupManifest>> {
  log(`no PostgreSQL is running on ${clusterDir}: copying the stopped cluster as it is`);
  await builder.tree(clusterDir, 'pg', (rel) => rel !== 'postmaster.pid');
  const now = postmasterOf(clusterDir);
  if (now && isAlive(now.pid) && isPostgresProcess(now.pid)) {
    throw new Error(`PostgreSQL (pid ${now.pid}) started on ${clusterDir} while it was being copied; run the backup again (it is then taken online)`);
  }
  return { mode: 'cold' };
}

function runningCluster(dataDir: string, clusterDir: string): string | undefined {
  const postmaster = postmasterOf(clusterDir);
  if (!postmaster || !(postmaster.pid > 0) || !isAlive(postmaster.pid) || !isPostgresProcess(postmaster.pid)) return undefined;
  const password = readFileSync(join(dataDir, 'pg-password'), 'utf8').trim();
  return `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${postmaster.port}/postgres`;
}

export async function backupDataDir(options: { dataDir: string; archive: string; log: Log }): Promise<BackupManifest> {
  const { log } = options;
  const dataDir = resolve(options.dataDir);
  const archive = resolve(options.archive);
  const clusterDir = join(dataDir, 'pg');
  if (!existsSync(join(clusterDir, 'PG_VERSION'))) {
    const legacy = findFirstReleaseCluster([clusterDir]);
    throw new Error(legacy
      ? `the database for ${dataDir} is still the first release's, in ${legacy}/pg: start the server once (it moves it into ${clusterDir}), then back up`
      : `${clusterDir} holds no embedded database: is DATA_DIR right?`);
  }
  if (!relative(dataDir, archive).startsWith('..')) throw new Error(`write the archive outside DATA_DIR (${dataDir}), not into what it backs up`);
  if (existsSync(archive)) throw new Error(`${archive} exists already: name a new file`);
  const tablespaces = existsSync(join(clusterDir, 'pg_tblspc')) ? readdirSync(join(clusterDir, 'pg_tblspc')) : [];
  if (tablespaces.length) throw new Error(`the cluster has tablespaces outside ${clusterDir} (pg_tblspc/${tablespaces[0]}), which this backup does not copy`);

  const partial = `${archive}.partial`;
  // The archive holds the secrets (jwt-secret, pg-password): readable by its owner only.
  const file = createWriteStream(partial, { flags: 'wx', mode: 0o600 });
  // Fast over small: the backup shares the CPU with a live server, and evidence is mostly compressed already.
  const gzip = createGzip({ level: 1 });
  gzip.pipe(file);
  const builder = new ArchiveBuilder(new TarWriter(gzip), log);
  try {
    const url = runningCluster(dataDir, clusterDir);
    const copied = url ? await onlineCopy(builder, clusterDir, url, log) : await coldCopy(builder, clusterDir, log);
    // Evidence after the database: a file is written before its row is committed, so every row the copy holds finds its file.
    await builder.tree(dataDir, '', (rel) => rel !== 'pg' && rel !== '.initdb-password' && !rel.startsWith('.restore-'));
    const manifest: BackupManifest = {
      product: 'auditcaseos', format: BACKUP_FORMAT, createdAt: new Date().toISOString(), dataDir, files: builder.files, mode: 'cold', ...copied,
    };
    // Last, so that an archive cut short has none and is refused by the restore.
    await builder.tar.bytes(MANIFEST, 0o600, Buffer.from(JSON.stringify(manifest, null, 2) + '\n'));
    await builder.tar.finish();
    gzip.end();
    await finished(file);
    renameSync(partial, archive);
    return manifest;
  } catch (error) {
    gzip.destroy();
    file.destroy();
    rmSync(partial, { force: true });
    throw error;
  }
}
