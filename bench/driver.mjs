#!/usr/bin/env node
// The load process: `node bench/driver.mjs <step> <context.json>` runs one bench step
// (fixtures or a scenario) against the already running server and writes
// <workDir>/result-<step>.json. Started by scripts/bench.mjs, never inside the server.
import { join } from 'node:path';
import { readContext, writeJson } from './lib/context.mjs';
import { log } from './lib/stats.mjs';

const STEPS = {
  setup: './scenarios/setup.mjs',
  ceiling: './scenarios/ceiling.mjs',
  'engine-fixtures': './scenarios/engine-fixtures.mjs',
  engine: './scenarios/engine.mjs',
  latency: './scenarios/latency.mjs',
  overhead: './scenarios/overhead.mjs',
  notifications: './scenarios/notifications.mjs',
  sockets: './scenarios/sockets.mjs',
  scan: './scenarios/scan.mjs',
  channels: './scenarios/channels.mjs',
  processes: './scenarios/processes.mjs',
  lists: './scenarios/lists.mjs',
  backtest: './scenarios/backtest.mjs',
  http: './scenarios/http.mjs',
  'capacity-fill': './scenarios/capacity.mjs',
  'capacity-drain': './scenarios/capacity.mjs',
};

const [step, ctxFile] = process.argv.slice(2);
if (!STEPS[step] || !ctxFile) {
  console.error(`usage: node bench/driver.mjs <${Object.keys(STEPS).join('|')}> <context.json>`);
  process.exit(2);
}

const ctx = readContext(ctxFile);
const started = Date.now();
try {
  const mod = await import(STEPS[step]);
  const result = await mod.run(ctx);
  writeJson(join(ctx.workDir, `result-${step}.json`), { step, ok: true, seconds: (Date.now() - started) / 1000, result });
  process.exit(0);
} catch (error) {
  log(`step ${step} failed: ${error.stack ?? error}`);
  writeJson(join(ctx.workDir, `result-${step}.json`), { step, ok: false, seconds: (Date.now() - started) / 1000, error: String(error.stack ?? error) });
  process.exit(1);
}
