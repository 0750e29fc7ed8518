#!/usr/bin/env node
// `npm start`: build whatever is missing, then run the server (one process, or a supervisor of WEB_CONCURRENCY processes).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const serverEntry = 'dist/server/server/main.js';
const consoleIndex = 'dist/client/browser/index.html';

function build(what, args) {
  console.log(`[start] building the ${what} (${args.join(' ')})`);
  const r = spawnSync('npx', args, { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

if (!existsSync(serverEntry) || process.env.REBUILD === 'true') build('server', ['nest', 'build']);
if (!existsSync(consoleIndex) || process.env.REBUILD === 'true') build('console', ['ng', 'build']);

const child = spawn(process.execPath, [serverEntry], { stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
