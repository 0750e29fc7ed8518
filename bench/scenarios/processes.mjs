// Scenario 8 — one vs two server processes (WEB_CONCURRENCY) on this machine. The orchestrator restarts
// the server with WEB_CONCURRENCY=1, then 2 (both with the PostgreSQL socket adapter, which several
// processes need, so the two runs differ only in the process count) and runs this step once per run:
// closed-loop PATCH status changes with the engine's rules enabled (timed until the automation backlog
// is drained as well), then closed-loop reads of the case list's first page.
import { currentStatuses, NEXT_STATUS, setRulesEnabled, settleOutbox, waitOutboxDrained } from '../lib/app.mjs';
import { dbPool, readFixtures } from '../lib/context.mjs';
import { makeClient } from '../lib/http.mjs';
import { startWindow } from '../lib/window.mjs';
import { closedLoop, log, round } from '../lib/stats.mjs';

export async function run(ctx) {
  const users = readFixtures(ctx, 'users');
  const { cases, rules } = readFixtures(ctx, 'engine');
  const db = dbPool(ctx);
  const concurrency = 32;
  const seconds = ctx.sizes.overheadSeconds;
  const http = makeClient(ctx.url, { maxSockets: concurrency });
  const token = users.admin.token;
  const status = await currentStatuses(db, cases.map((c) => c.id));
  await setRulesEnabled(http, token, rules, true);
  await settleOutbox(db, ctx.sizes.settleTimeoutMs);

  log(`processes (${ctx.processes}): ${seconds} s of closed-loop PATCH with ${rules.length} rules`);
  let next = 0;
  const patchWindow = await startWindow(ctx);
  const patches = await closedLoop(seconds, concurrency, async () => {
    const c = cases[next++ % cases.length];
    const to = NEXT_STATUS[status.get(c.id)];
    const res = await http.patch(`/api/v1/cases/${c.id}`, { token, body: { status: to } });
    if (res.status === 200) status.set(c.id, to);
    return res;
  });
  const drainStart = Date.now();
  const drained = await waitOutboxDrained(db, ctx.sizes.overheadDrainTimeoutMs, 'the window\'s events to be processed');
  const drainSeconds = drained === null ? null : (Date.now() - drainStart) / 1000;
  const patchResources = await patchWindow.stop();

  log(`processes (${ctx.processes}): ${seconds} s of closed-loop GET /cases (first page)`);
  const investigator = users.investigators[0];
  const readWindow = await startWindow(ctx);
  const reads = await closedLoop(seconds, concurrency, () => http.get('/api/v1/cases?limit=20', { token: investigator.token }));
  const readResources = await readWindow.stop();
  await db.end();
  http.close();
  return {
    processes: ctx.processes, concurrency, rules: rules.length,
    patchesPerSecond: round(patches.ok / patches.elapsed, 1),
    completedPerSecond: drainSeconds === null ? null : round(patches.ok / (patches.elapsed + drainSeconds), 1),
    patchErrors: patches.errors, patchLatencyMs: patches.latencyMs, drainSeconds: drainSeconds === null ? null : round(drainSeconds, 2),
    patchResources,
    readsPerSecond: round(reads.ok / reads.elapsed, 1), readErrors: reads.errors, readLatencyMs: reads.latencyMs, readResources,
  };
}
