// Scenario 4 — automation overhead: closed-loop PATCH status throughput for a fixed time with
// the 200 rules disabled (baseline), then enabled. Rules are switched through the API. Each
// window starts with an empty outbox; the backlog left at its end and the time to drain it
// are reported, so a window that only "wins" by deferring engine work is visible.
import { currentStatuses, NEXT_STATUS, outboxBacklog, setRulesEnabled, settleOutbox, waitOutboxDrained } from '../lib/app.mjs';
import { dbPool, readFixtures } from '../lib/context.mjs';
import { makeClient } from '../lib/http.mjs';
import { startWindow } from '../lib/window.mjs';
import { closedLoop, log, round } from '../lib/stats.mjs';

/** One measured window of closed-loop PATCH status changes, then the wait until its events are processed (also the channels scenario's). */
export async function patchWindow(ctx, http, db, token, cases, status, seconds, concurrency) {
  const settled = await settleOutbox(db, ctx.sizes.settleTimeoutMs);
  let next = 0;
  const resources = await startWindow(ctx);
  const { ok, errors, elapsed, latencyMs } = await closedLoop(seconds, concurrency, async () => {
    const c = cases[next++ % cases.length];
    const to = NEXT_STATUS[status.get(c.id)];
    const res = await http.patch(`/api/v1/cases/${c.id}`, { token, body: { status: to } });
    if (res.status === 200) status.set(c.id, to);
    return res;
  });
  const windowResources = await resources.stop();
  const backlog = await outboxBacklog(db);
  const drainStart = Date.now();
  const drained = await waitOutboxDrained(db, ctx.sizes.overheadDrainTimeoutMs, 'the window\'s events to be processed');
  const drainSeconds = drained === null ? null : (Date.now() - drainStart) / 1000;
  return {
    patchesPerSecond: round(ok / elapsed, 1), patches: ok, errors, seconds: round(elapsed, 2),
    settleBefore: settled, windowResources, latencyMs, backlogAtEnd: backlog, drainSeconds: drainSeconds === null ? null : round(drainSeconds, 2),
    // Throughput if the window had to include finishing its automation work.
    completedPerSecond: drainSeconds === null ? null : round(ok / (elapsed + drainSeconds), 1),
  };
}

/** What a PATCH window needs: the engine fixtures' cases and rules, a pool, a client and the cases' statuses. */
export async function patchLoad(ctx) {
  const users = readFixtures(ctx, 'users');
  const { cases, rules } = readFixtures(ctx, 'engine');
  const db = dbPool(ctx);
  const concurrency = 32;
  const http = makeClient(ctx.url, { maxSockets: concurrency });
  const status = await currentStatuses(db, cases.map((c) => c.id));
  return { users, cases, rules, db, concurrency, http, token: users.admin.token, status, seconds: ctx.sizes.overheadSeconds };
}

export async function run(ctx) {
  const { cases, rules, db, concurrency, http, token, status, seconds } = await patchLoad(ctx);

  log(`overhead: disabling the ${rules.length} rules through the API`);
  await setRulesEnabled(http, token, rules, false);
  log(`overhead: ${seconds} s of closed-loop PATCH (${concurrency} connections) with no rules`);
  const none = await patchWindow(ctx, http, db, token, cases, status, seconds, concurrency);
  log(`overhead: ${none.patchesPerSecond} PATCH/s without rules; enabling the ${rules.length} rules`);
  await setRulesEnabled(http, token, rules, true);
  log(`overhead: ${seconds} s of closed-loop PATCH with ${rules.length} rules`);
  const withRules = await patchWindow(ctx, http, db, token, cases, status, seconds, concurrency);
  log(`overhead: ${withRules.patchesPerSecond} PATCH/s with rules (ratio ${(withRules.patchesPerSecond / none.patchesPerSecond).toFixed(2)})`);
  await db.end();
  http.close();
  return {
    ratio: round(withRules.patchesPerSecond / none.patchesPerSecond, 3),
    ratioIncludingDrain: none.completedPerSecond && withRules.completedPerSecond ? round(withRules.completedPerSecond / none.completedPerSecond, 3) : null,
    withoutRules: none, withRules, concurrency, rules: rules.length,
  };
}
