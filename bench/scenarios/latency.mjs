// Scenario 3 — trigger → toast latency. Open-loop load at a fixed rate (requests are sent on
// schedule whether or not earlier ones have answered) of PATCH /api/v1/cases/:id status
// changes; each change fires the "notify assignee" rule, and the assignee's socket (connected
// in this process, same clock) receives `notification`. Latency = request sent → socket event.
// The rate is half the PATCH capacity without rules, measured first in this same scenario: a
// fixed rate would saturate a slow machine's API (then the figure is queueing, not the engine)
// and leave a fast one idle.
import { NEXT_STATUS, setRulesEnabled, settleOutbox } from '../lib/app.mjs';
import { makeClient } from '../lib/http.mjs';
import { patchLoad, patchWindow } from './overhead.mjs';
import { connect } from '../lib/sockets.mjs';
import { startWindow } from '../lib/window.mjs';
import { log, round, sleep, summarize } from '../lib/stats.mjs';

const hr = () => process.hrtime.bigint();
const msSince = (t) => Number(hr() - t) / 1e6;

/**
 * Closed-loop PATCH/s with the rules disabled (scenario 4's window: 32 connections, overheadSeconds,
 * timed until its outbox is processed), the rules switched back on even if the window fails.
 */
async function capacityWithoutRules(ctx, load) {
  const { http, db, token, cases, rules, status, seconds, concurrency } = load;
  log(`latency: measuring PATCH capacity without rules: ${rules.length} rules off, ${seconds} s closed loop (${concurrency} connections)`);
  await setRulesEnabled(http, token, rules, false);
  try {
    return await patchWindow(ctx, http, db, token, cases, status, seconds, concurrency);
  } finally {
    await setRulesEnabled(http, token, rules, true);
  }
}

export async function run(ctx) {
  const load = await patchLoad(ctx);
  const { users, cases, db, status } = load;
  const capacity = await capacityWithoutRules(ctx, load);
  load.http.close();
  if (!capacity.patchesPerSecond) throw new Error(`no PATCH capacity measured without rules (${capacity.errors} errors)`);
  const rate = Math.round(capacity.patchesPerSecond / 2);
  const seconds = ctx.sizes.latencySeconds;
  const total = rate * seconds;
  const http = makeClient(ctx.url, { maxSockets: 128 });

  const settled = await settleOutbox(db, ctx.sizes.settleTimeoutMs);

  // One console per investigator, listening for its toasts. A case's events are processed
  // strictly in order, so its notifications arrive in the order of its PATCHes: match FIFO.
  const pending = new Map(); // caseId → [{sentAt}] awaiting their notification
  const httpBusy = new Set(); // cases with a PATCH not answered yet (never two at once)
  let outstanding = 0;
  const toast = [];
  let unexpected = 0;
  let caseUpdates = 0;
  const sockets = await Promise.all(users.investigators.map(async (u) => {
    const s = await connect(ctx.url, u.token);
    s.on('notification', (n) => {
      const queue = pending.get(n.entityId);
      if (!queue?.length || n.userId !== u.id) { unexpected++; return; }
      toast.push(msSince(queue.shift().sentAt));
      outstanding--;
      if (!queue.length) pending.delete(n.entityId);
    });
    s.on('case:updated', () => { caseUpdates++; });
    return s;
  }));
  log(`latency: ${sockets.length} assignee sockets connected; offering ${rate} PATCH/s (half of ${capacity.patchesPerSecond} without rules) for ${seconds} s (open loop)`);

  const responses = [];
  let errors = 0;
  let busySkips = 0;
  let notOffered = 0;
  let cursor = 0;
  const send = () => {
    // Round robin; prefer a case with nothing outstanding, else one whose last PATCH has answered.
    let pick;
    for (let tries = 0; tries < cases.length && !pick; tries++) {
      const c = cases[(cursor + tries) % cases.length];
      if (!pending.has(c.id)) pick = c;
    }
    for (let tries = 0; tries < cases.length && !pick; tries++) {
      const c = cases[(cursor + tries) % cases.length];
      if (!httpBusy.has(c.id)) { pick = c; busySkips++; }
    }
    if (!pick) { notOffered++; return; }
    cursor = (cases.indexOf(pick) + 1) % cases.length;
    const c = pick;
    const to = NEXT_STATUS[status.get(c.id)];
    status.set(c.id, to);
    const entry = { sentAt: hr() };
    if (!pending.has(c.id)) pending.set(c.id, []);
    pending.get(c.id).push(entry);
    outstanding++;
    httpBusy.add(c.id);
    const fail = () => {
      errors++;
      const queue = pending.get(c.id);
      const i = queue?.indexOf(entry) ?? -1;
      if (i >= 0) { queue.splice(i, 1); outstanding--; if (!queue.length) pending.delete(c.id); }
    };
    http.patch(`/api/v1/cases/${c.id}`, { token: users.admin.token, body: { status: to } }).then(
      (res) => { httpBusy.delete(c.id); if (res.status === 200) responses.push(res.ms); else fail(); },
      () => { httpBusy.delete(c.id); fail(); });
  };
  const window = await startWindow(ctx);
  const t0 = hr();
  let sent = 0;
  let maxLagMs = 0;
  while (sent < total) {
    const due = Math.min(total, Math.floor(msSince(t0) / (1000 / rate)) + 1);
    if (due - sent > 1) maxLagMs = Math.max(maxLagMs, (due - sent - 1) * (1000 / rate));
    while (sent < due) { send(); sent++; }
    await sleep(1);
  }
  const sendSeconds = msSince(t0) / 1000;
  const windowResources = await window.stop();
  // Give stragglers time; whatever has not arrived by then counts as lost (slower than any sample).
  const deadline = Date.now() + 10_000;
  while (outstanding > 0 && Date.now() < deadline) await sleep(20);
  const lost = outstanding;
  for (let i = 0; i < lost; i++) toast.push(Infinity);
  for (const s of sockets) s.close();
  await db.end();
  http.close();

  const t = summarize(toast);
  const r = summarize(responses);
  log(`latency: toast p50 ${t.p50} ms, p99 ${t.p99} ms (${t.count} samples, ${lost} lost); PATCH response p50 ${r.p50} ms, p99 ${r.p99} ms`);
  return {
    toastMs: t,
    patchResponseMs: r,
    rate, offeredRate: rate,
    capacityWithoutRules: capacity.patchesPerSecond,
    capacityWindow: capacity,
    achievedRate: round(sent / sendSeconds, 1),
    sent, errors, lost, notOffered, sentToCaseWithPendingToast: busySkips, unexpectedNotifications: unexpected,
    schedulerMaxLagMs: round(maxLagMs, 1),
    caseUpdatedEventsReceived: caseUpdates,
    sockets: sockets.length,
    settleBefore: settled, windowResources,
  };
}
