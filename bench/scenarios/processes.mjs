// Scenario 8 — one vs two server processes (WEB_CONCURRENCY) on this machine. The orchestrator restarts
// the server with WEB_CONCURRENCY=1, then 2 (both with the PostgreSQL socket adapter, which several
// processes need, so the two runs differ only in the process count) and runs this step once per run:
// the overhead scenario's PATCH window with the rules on (timed until the automation backlog is drained
// as well), then closed-loop reads of the case list's first page.
import { setRulesEnabled } from '../lib/app.mjs';
import { startWindow } from '../lib/window.mjs';
import { closedLoop, log, round } from '../lib/stats.mjs';
import { patchLoad, patchWindow } from './overhead.mjs';

export async function run(ctx) {
  const { users, cases, rules, db, concurrency, http, token, status, seconds } = await patchLoad(ctx);
  await setRulesEnabled(http, token, rules, true);

  log(`processes (${ctx.processes}): ${seconds} s of closed-loop PATCH with ${rules.length} rules`);
  const patches = await patchWindow(ctx, http, db, token, cases, status, seconds, concurrency);

  log(`processes (${ctx.processes}): ${seconds} s of closed-loop GET /cases (first page)`);
  const investigator = users.investigators[0];
  const readWindow = await startWindow(ctx);
  const reads = await closedLoop(seconds, concurrency, () => http.get('/api/v1/cases?limit=20', { token: investigator.token }));
  const readResources = await readWindow.stop();
  await db.end();
  http.close();
  return {
    processes: ctx.processes, concurrency, rules: rules.length,
    patchesPerSecond: patches.patchesPerSecond, completedPerSecond: patches.completedPerSecond, patchErrors: patches.errors,
    patchLatencyMs: patches.latencyMs, drainSeconds: patches.drainSeconds, patchResources: patches.windowResources,
    readsPerSecond: round(reads.ok / reads.elapsed, 1), readErrors: reads.errors, readLatencyMs: reads.latencyMs, readResources,
  };
}
