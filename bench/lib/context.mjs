// The run context shared by the orchestrator and the load processes: a JSON file in the
// bench work folder (server URL, database URL, server pid, sizes, fixtures).
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';

export function readContext(file) {
  return JSON.parse(readFileSync(file, 'utf8'));
}

export function writeJson(file, value) {
  writeFileSync(file + '.tmp', JSON.stringify(value, null, 2));
  renameSync(file + '.tmp', file);
}

export function fixturesFile(ctx, name) {
  return join(ctx.workDir, `fixtures-${name}.json`);
}

export function readFixtures(ctx, name) {
  const file = fixturesFile(ctx, name);
  if (!existsSync(file)) throw new Error(`missing fixtures "${name}" (${file}): run the setup steps first`);
  return JSON.parse(readFileSync(file, 'utf8'));
}

export function writeFixtures(ctx, name, value) {
  writeJson(fixturesFile(ctx, name), value);
}

/** A pg pool on the server's database (the bench's own observation/fixture connection). */
export function dbPool(ctx, max = 4) {
  const p = new pg.Pool({ connectionString: ctx.databaseUrl, max, application_name: 'bench' });
  p.on('error', () => undefined);
  return p;
}

export async function q(pool, text, params) {
  return (await pool.query(text, params)).rows;
}
