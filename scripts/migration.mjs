#!/usr/bin/env node
// Schema migrations by hand (the server also applies pending ones at start):
//   npm run migration:create -- AddCaseLabels   a new, empty migration in migrations/, listed in migrations/index.ts
//   npm run migration:run                        apply the pending migrations
//   npm run migration:revert                     undo the last applied migration
// run/revert use DATABASE_URL, or else the embedded PostgreSQL under DATA_DIR (started for the occasion, or the one a
// running server already uses). ./.env is read like the server reads it. The compiled server is rebuilt first, so a
// migration written a moment ago is included.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';

const [command, name] = process.argv.slice(2);
const say = (message) => console.log(`[migration] ${message}`);
const fail = (message) => { console.error(`[migration] ${message}`); process.exit(1); };

if (command === 'create') create(name);
else if (command === 'run' || command === 'revert') await migrate(command);
else fail('usage: node scripts/migration.mjs create <Name> | run | revert');

function create(className) {
  if (!className || !/^[A-Z][A-Za-z0-9]*$/.test(className)) fail('give the migration a name in PascalCase: npm run migration:create -- AddCaseLabels');
  const timestamp = Date.now();
  const kebab = className.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
  const file = `migrations/${timestamp}-${kebab}.ts`;
  const cls = `${className}${timestamp}`;
  writeFileSync(file, `import type { MigrationInterface, QueryRunner } from 'typeorm';

/** What this migration changes, and why. */
export class ${cls} implements MigrationInterface {
  name = '${cls}';

  async up(q: QueryRunner): Promise<void> {
    await q.query(\`SELECT 1\`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(\`SELECT 1\`);
  }
}
`);
  // The server lists its migrations explicitly (the ESM tests and the compiled server load the same set).
  const index = 'migrations/index.ts';
  const text = readFileSync(index, 'utf8');
  const imports = [...text.matchAll(/^import .*;$/gm)];
  const last = imports[imports.length - 1];
  const at = last.index + last[0].length;
  let next = `${text.slice(0, at)}\nimport { ${cls} } from './${timestamp}-${kebab}';${text.slice(at)}`;
  next = next.replace(/export const MIGRATIONS = \[([^\]]*)\]/, (_, list) => `export const MIGRATIONS = [${list.trim().replace(/,\s*$/, '')}, ${cls}]`);
  writeFileSync(index, next);
  say(`created ${file} (class ${cls}) and listed it in ${index}; write its up() and down(), then "npm run migration:run" or start the server`);
}

async function migrate(direction) {
  if (existsSync('.env')) process.loadEnvFile('.env');
  const build = spawnSync('npx', ['nest', 'build'], { stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
  const require = createRequire(import.meta.url);
  const dist = (path) => require(resolve('dist/server/server/src', path));
  const { loadConfig } = dist('config/app-config.js');
  const { systemDataDir } = dist('config/data-dir.js');
  const { startEmbeddedPostgres } = dist('database/embedded-postgres.js');
  const { runMigrations } = dist('database/migrate.js');
  const { dataSourceOptions } = dist('database/data-source-options.js');
  const { DataSource } = require('typeorm');

  const config = loadConfig(process.env);
  let url = config.databaseUrl;
  let embedded;
  if (!url) {
    embedded = await startEmbeddedPostgres({
      dataDir: join(config.dataDir, 'pg'), binariesRoot: join(systemDataDir(process.env), 'pgbin'), log: (m) => say(`embedded PostgreSQL: ${m}`),
    });
    url = embedded.url;
  }
  try {
    if (direction === 'run') {
      const applied = await runMigrations(url);
      say(applied.length ? `applied: ${applied.join(', ')}` : 'nothing to apply: the schema is current');
    } else {
      const ds = new DataSource({ ...dataSourceOptions(url, 2, undefined), migrationsTransactionMode: 'each' });
      await ds.initialize();
      try {
        const [last] = await ds.query(`SELECT name FROM ${ds.options.migrationsTableName} ORDER BY id DESC LIMIT 1`);
        if (!last) say('no migration has been applied');
        else {
          await ds.undoLastMigration({ transaction: 'each' });
          say(`reverted ${last.name}`);
        }
      } finally {
        await ds.destroy();
      }
    }
  } finally {
    // A server that is running on this database keeps it; one started here is stopped again.
    if (embedded && !embedded.adopted) await embedded.stop();
  }
}
