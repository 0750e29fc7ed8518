import { rmSync } from 'node:fs';
import type { RunningPostgres } from '../src/database/embedded-postgres';

export default async function globalTeardown(): Promise<void> {
  const pg = (globalThis as Record<string, unknown>).__ACOS_PG__ as RunningPostgres | undefined;
  await pg?.stop();
  const dir = process.env.ACOS_TEST_PG_DIR;
  if (dir) rmSync(dir, { recursive: true, force: true });
}
