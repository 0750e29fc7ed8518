import { mkdtempSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { startEmbeddedPostgres } from '../src/database/embedded-postgres';
import { runMigrations } from '../src/database/migrate';
import { TEMPLATE_DB, urlFor, withAdminClient } from './test-database';

/**
 * One real PostgreSQL per test run (the external one in DATABASE_URL_TEST, or
 * an embedded one), with migrations applied once into a template database
 * that every test file clones.
 */
export default async function globalSetup(): Promise<void> {
  const external = process.env.DATABASE_URL_TEST;
  if (external) {
    process.env.ACOS_TEST_ADMIN_URL = external;
  } else {
    const dir = mkdtempSync('/var/tmp/acos-test-');
    chmodSync(dir, 0o755);
    const pg = await startEmbeddedPostgres({
      dataDir: join(dir, 'pg'),
      // Durability is not what these tests measure; speed is welcome.
      settings: { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' },
      log: () => undefined,
    });
    // The superuser: test files create and drop databases. (The app's own role is checked in embedded-postgres.e2e.spec.ts.)
    process.env.ACOS_TEST_ADMIN_URL = pg.adminUrl;
    process.env.ACOS_TEST_PG_DIR = dir;
    (globalThis as Record<string, unknown>).__ACOS_PG__ = pg;
  }
  await withAdminClient(async (c) => {
    await c.query(`DROP DATABASE IF EXISTS ${TEMPLATE_DB} WITH (FORCE)`);
    await c.query(`CREATE DATABASE ${TEMPLATE_DB}`);
  });
  await runMigrations(urlFor(TEMPLATE_DB));
}
