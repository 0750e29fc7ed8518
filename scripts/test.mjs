#!/usr/bin/env node
// `npm test`: every suite, in order; exits non-zero if any fails.
//   1. server: jest (ESM mode) against a real embedded PostgreSQL
//   2. console unit tests: vitest through `ng test`
//   3. browser end-to-end: Debian chromium + playwright-core against the real server
// Set TEST_ONLY=server|client|e2e to run one stage.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const stages = [
  // The crash tests SIGKILL the compiled server as a real process; the browser tests run the full build.
  { name: 'build', cmd: 'npx', args: ['nest', 'build'] },
  { name: 'server', cmd: process.execPath, args: ['--experimental-vm-modules', 'node_modules/jest/bin/jest.js', '--ci'] },
  { name: 'client', cmd: 'npx', args: ['ng', 'test', '--watch=false'], when: () => existsSync('angular.json') },
  { name: 'e2e', cmd: process.execPath, args: ['scripts/e2e.mjs'], when: () => existsSync('scripts/e2e.mjs') },
];

const only = process.env.TEST_ONLY;
let failed = 0;
let passed = 0;
for (const stage of stages) {
  if (only && only !== stage.name && !(stage.name === 'build' && only !== 'client')) continue;
  if (stage.when && !stage.when()) {
    if (process.env.CI === 'true') { console.error(`[test] stage ${stage.name} is missing its files`); failed++; }
    continue;
  }
  console.log(`\n[test] ===== ${stage.name} =====`);
  const started = Date.now();
  const r = spawnSync(stage.cmd, stage.args, { stdio: 'inherit', env: { ...process.env, FORCE_COLOR: '0' } });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (r.status === 0) { passed++; console.log(`[test] ${stage.name} passed in ${seconds}s`); }
  else { failed++; console.error(`[test] ${stage.name} FAILED (exit ${r.status ?? r.signal}) after ${seconds}s`); }
}
console.log(`\ntest stages: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
