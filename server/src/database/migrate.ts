import { DataSource } from 'typeorm';
import { dataSourceOptions } from './data-source-options';

/** Any constant: the advisory lock that lets one process migrate while the others wait. */
const MIGRATION_LOCK = 7_150_042;

/** Applies pending migrations; safe when several processes start at once. */
export async function runMigrations(url: string): Promise<string[]> {
  const ds = new DataSource({ ...dataSourceOptions(url, 2, undefined), migrationsTransactionMode: 'each' });
  await ds.initialize();
  const runner = ds.createQueryRunner();
  try {
    await runner.connect();
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    const applied = await ds.runMigrations({ transaction: 'each' });
    return applied.map((m) => m.name);
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    await runner.release();
    await ds.destroy();
  }
}
