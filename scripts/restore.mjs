#!/usr/bin/env node
// `npm run restore`: README "Backup and restore". The work is done by the compiled server code
// (server/src/database/backup/), built first when missing, as `npm start` does.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const cli = 'dist/server/server/src/database/backup/cli.js';
if (!existsSync(cli) || process.env.REBUILD === 'true') {
  console.log('[restore] building the server (nest build)');
  const built = spawnSync('npx', ['nest', 'build'], { stdio: 'inherit' });
  if (built.status !== 0) process.exit(built.status ?? 1);
}
const r = spawnSync(process.execPath, [cli, 'restore', ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(r.status ?? 1);
