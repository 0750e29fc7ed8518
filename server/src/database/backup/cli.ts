import { resolve } from 'node:path';
import { placeDataDir } from '../../config/data-dir';
import { backupDataDir } from './backup';
import { restoreDataDir, RestoreRefused } from './restore';

/**
 * The compiled entry of `npm run backup [-- <archive>]` and
 * `npm run restore -- <archive>` (scripts/backup.mjs, scripts/restore.mjs).
 * Exit codes: 0 done, 1 failed, 2 refused (wrong use, external database, non-empty DATA_DIR).
 */
const EXTERNAL = 'DATABASE_URL is set: the database is your own PostgreSQL, which this command does not copy. '
  + 'Back it up with pg_dump (for example: pg_dump --format=custom "$DATABASE_URL" > auditcaseos.dump) or your '
  + "server's base backups with WAL archiving for point-in-time recovery, and copy DATA_DIR (evidence, jwt-secret) "
  + 'alongside; see README "Backup and restore".';

function refuse(message: string): never {
  console.error(`[backup] ${message}`);
  process.exit(2);
}

/** npm runs scripts from the package folder; a relative path means the folder the operator typed it in. */
const fromOperator = (path: string) => resolve(process.env.INIT_CWD || process.cwd(), path);

const stamp = () => new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);

async function main(): Promise<void> {
  const [command, ...args] = process.argv.slice(2);
  if ((command !== 'backup' && command !== 'restore') || args.length > 1 || (command === 'restore' && args.length !== 1)) {
    refuse('usage: npm run backup [-- <archive.tar.gz>]   |   npm run restore -- <archive.tar.gz>');
  }
  if (process.env.DATABASE_URL?.trim()) refuse(EXTERNAL);
  const placement = placeDataDir(process.env, true);
  const log = (m: string) => console.log(`[${command}] ${m}`);
  if (placement.note) log(placement.note);
  if (command === 'backup') {
    const archive = fromOperator(args[0] ?? `auditcaseos-backup-${stamp()}.tar.gz`);
    const manifest = await backupDataDir({ dataDir: placement.dataDir, archive, log });
    log(`wrote ${archive} (${manifest.mode}, ${manifest.files} files from ${placement.dataDir})`);
    return;
  }
  if (placement.problem) refuse(placement.problem);
  try {
    await restoreDataDir({ archive: fromOperator(args[0]), dataDir: placement.dataDir, log });
  } catch (error) {
    if (error instanceof RestoreRefused) refuse(error.message);
    throw error;
  }
}

main().catch((error: Error) => {
  console.error(`[backup] failed: ${error.message}`);
  process.exit(1);
});
