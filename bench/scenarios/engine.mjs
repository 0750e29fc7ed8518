// Scenario 2 — engine throughput. The load process PATCHes case statuses through the API
// (many concurrent connections, never two at once for the same case) while the server's
// outbox dispatcher runs the 200 rules. Figure: status-change events/s and rule runs/s from
// the first event's commit (domain_events.created_at) to the last history row of those events.
// Also: server and PostgreSQL CPU per status change over the whole run (PATCHes + drain), and,
// once drained, a 1,500-change burst at full API speed: how long the engine lags behind it.
import { currentStatuses, maxEventSeq, NEXT_STATUS, outboxBacklog, sampleSessionStates, settleOutbox, waitOutboxDrained } from '../lib/app.mjs';
import { dbPool, q, readFixtures } from '../lib/context.mjs';
import { makeClient } from '../lib/http.mjs';
import { cpuSeconds } from '../lib/cpu.mjs';
import { rssMiB } from '../lib/proc.mjs';
import { log, round, sleep } from '../lib/stats.mjs';

/** The burst: this many status changes at full API speed, then the time the engine still needs. */
const BURST_CHANGES = 1500;
// The burst has the same size in quick and full runs, so its own bounds (quick mode's 15 s ingest
// and drain limits would cut it short on a loaded machine and leave no figure at all).
const BURST_SEND_TIMEOUT_MS = 60_000;
const BURST_DRAIN_TIMEOUT_MS = 60_000;

/**
 * Closed-loop PATCH status changes from `concurrency` connections until `total` have been sent or
 * `timeoutMs` has passed. Round robin over the cases, skipping one whose previous PATCH has not
 * answered yet: a status change must never race another on the same case. `status` (id → status)
 * is kept current. Returns what was sent, when the first was sent and the last answered (ms epoch).
 */
export async function patchStatusChanges({ http, token, cases, status, total, concurrency, timeoutMs, label }) {
  let next = 0;
  let errors = 0;
  let cursor = 0;
  let skippedBusy = 0;
  const inFlight = new Set();
  const start = Date.now();
  const deadline = start + timeoutMs;
  let lastLog = start;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < total && Date.now() < deadline) {
      const i = next++;
      let c = cases[cursor++ % cases.length];
      while (inFlight.has(c.id)) { skippedBusy++; c = cases[cursor++ % cases.length]; }
      inFlight.add(c.id);
      const to = NEXT_STATUS[status.get(c.id)];
      const res = await http.patch(`/api/v1/cases/${c.id}`, { token, body: { status: to } });
      inFlight.delete(c.id);
      if (res.status === 200) status.set(c.id, to); else errors++;
      if (Date.now() - lastLog > 10_000) { lastLog = Date.now(); log(`  ${label}: ${i + 1}/${total} PATCHed`); }
    }
  }));
  const end = Date.now();
  return { sent: next, errors, skippedBusy, start, end, seconds: (end - start) / 1000 };
}

/**
 * Server and PostgreSQL CPU milliseconds per successful status change between two cpuSeconds()
 * readings: the PATCH itself plus its rule runs, so the window must include the drain. Includes
 * the bench's own sampling queries (a few per second: noise next to thousands of changes).
 * Absolute and machine-dependent, unlike the ratios.
 */
function perChange(c0, c1, changes, drained) {
  const ms = (a, b) => (a === null || b === null || !changes ? null : round(((b - a) * 1000) / changes, 3));
  return { serverMs: ms(c0.server, c1.server), postgresMs: ms(c0.postgres, c1.postgres), changes, drained };
}

/**
 * After the main run: BURST_CHANGES status changes through the same PATCH loop as fast as the API
 * takes them, then the seconds from the last PATCH response to the last history row of the burst's
 * status-change events (both clocks are this machine's). Negative: the engine kept up. Null: the
 * engine had not processed them all within the drain limit.
 */
async function measureBurst(ctx, { db, http, token, cases, status, concurrency }) {
  const settled = await settleOutbox(db, ctx.sizes.settleTimeoutMs);
  const marker = await maxEventSeq(db);
  log(`engine burst: ${BURST_CHANGES} status changes at full API speed (${concurrency} connections)`);
  const c0 = cpuSeconds(ctx.serverPid, ctx.postmasterPid);
  const p = await patchStatusChanges({ http, token, cases, status, total: BURST_CHANGES, concurrency, timeoutMs: BURST_SEND_TIMEOUT_MS, label: 'burst' });
  if (p.sent < BURST_CHANGES) log(`engine burst: only ${p.sent} of ${BURST_CHANGES} PATCHes were sent within ${BURST_SEND_TIMEOUT_MS / 1000} s`);
  const drained = (await waitOutboxDrained(db, BURST_DRAIN_TIMEOUT_MS, 'the engine to finish the burst')) !== null;
  const c1 = cpuSeconds(ctx.serverPid, ctx.postmasterPid);
  const [x] = await q(db, `
    SELECT count(*)::int AS events, count(*) FILTER (WHERE processed_at IS NULL)::int AS unprocessed,
           (SELECT max(h.created_at) FROM workflow_history h WHERE h.event_id IN
              (SELECT id FROM domain_events WHERE seq > $1 AND name = 'case.status_changed')) AS last
      FROM domain_events WHERE seq > $1 AND name = 'case.status_changed'`, [marker]);
  const complete = drained && p.sent === BURST_CHANGES && x.unprocessed === 0 && x.last !== null;
  const lagSeconds = complete ? round((new Date(x.last) - p.end) / 1000, 2) : null;
  log(`engine burst: ${p.sent} PATCHes in ${p.seconds.toFixed(1)} s (${Math.round(p.sent / p.seconds)}/s, ${p.errors} errors); last history row ${lagSeconds ?? '(not all processed)'} s after the last response`);
  return {
    changes: p.sent, target: BURST_CHANGES, errors: p.errors, skippedBusy: p.skippedBusy, drained, patchSeconds: round(p.seconds, 2), patchesPerSecond: round(p.sent / p.seconds, 1),
    lagSeconds, statusChangeEvents: x.events, unprocessedStatusEvents: x.unprocessed, lastHistoryRow: x.last,
    lastPatchResponse: new Date(p.end).toISOString(), cpuPerChange: perChange(c0, c1, p.sent - p.errors, drained), settleBefore: settled, concurrency,
  };
}

export async function run(ctx) {
  const users = readFixtures(ctx, 'users');
  const { cases } = readFixtures(ctx, 'engine');
  const db = dbPool(ctx);
  const total = ctx.sizes.engineEvents;
  const concurrency = 48;
  if (concurrency * 2 > cases.length) throw new Error('need many more cases than concurrent requests');
  const http = makeClient(ctx.url, { maxSockets: concurrency });

  const settled = await settleOutbox(db, ctx.sizes.settleTimeoutMs);
  const status = await currentStatuses(db, cases.map((c) => c.id));
  const marker = await maxEventSeq(db);
  const token = users.admin.token;

  log(`engine: ${total} status changes over ${cases.length} cases, ${concurrency} concurrent PATCH connections`);
  const timeline = [];
  const monitor = setInterval(async () => {
    try { timeline.push({ t: Date.now(), backlog: await outboxBacklog(db), rssMiB: round(rssMiB(ctx.serverPid), 1) }); } catch { /* ignore */ }
  }, 2000);
  const sessions = sampleSessionStates(db);

  const cpuStart = cpuSeconds(ctx.serverPid, ctx.postmasterPid);
  const main = await patchStatusChanges({ http, token, cases, status, total, concurrency, timeoutMs: ctx.sizes.engineIngestTimeoutMs, label: 'engine' });
  const { start: patchStart, sent, errors, skippedBusy } = main;
  const patchSeconds = main.seconds;
  const cpuIngestEnd = cpuSeconds(ctx.serverPid, ctx.postmasterPid);
  const [{ n: processedDuringIngest }] = await q(db, `SELECT count(*)::int AS n FROM domain_events WHERE seq > $1 AND name = 'case.status_changed' AND processed_at IS NOT NULL`, [marker]);
  const [{ n: outboxDuringIngest }] = await q(db, `SELECT count(*)::int AS n FROM domain_events WHERE seq > $1 AND processed_at IS NOT NULL`, [marker]);
  if (sent < total) log(`engine: only ${sent} of ${total} PATCHes were sent within the ${ctx.sizes.engineIngestTimeoutMs / 1000} s ingest limit`);
  log(`engine: ${sent} PATCHes in ${patchSeconds.toFixed(1)} s (${Math.round(sent / patchSeconds)}/s, ${errors} errors); waiting for the engine`);

  const drainStart = Date.now();
  const drainSeconds = await waitOutboxDrained(db, ctx.sizes.engineDrainTimeoutMs, 'the engine to finish');
  const drainWall = (Date.now() - drainStart) / 1000;
  const cpuEnd = cpuSeconds(ctx.serverPid, ctx.postmasterPid);
  clearInterval(monitor);
  const databaseSessions = sessions.stop();
  await sleep(100);

  const [ev] = await q(db, `
    SELECT count(*)::int AS events, min(created_at) AS first, count(*) FILTER (WHERE processed_at IS NULL)::int AS unprocessed,
           count(*) FILTER (WHERE processed_at IS NOT NULL)::int AS processed
      FROM domain_events WHERE seq > $1 AND name = 'case.status_changed'`, [marker]);
  const [all] = await q(db, `
    SELECT sum(n)::int AS events, sum(done)::int AS processed, jsonb_object_agg(name, n) AS by_name
      FROM (SELECT name, count(*)::int AS n, count(processed_at)::int AS done FROM domain_events WHERE seq > $1 GROUP BY name) x`, [marker]);
  const [hist] = await q(db, `
    SELECT count(*)::int AS runs, max(h.created_at) AS last, count(*) FILTER (WHERE NOT h.success)::int AS failed,
           count(*) FILTER (WHERE h.skipped_reason IS NOT NULL)::int AS skipped,
           count(DISTINCT h.event_id)::int AS events_with_runs
      FROM workflow_history h
     WHERE h.event_id IN (SELECT id FROM domain_events WHERE seq > $1 AND name = 'case.status_changed')`, [marker]);
  const [{ n: outboxAll }] = await q(db, `SELECT count(*)::int AS n FROM domain_events WHERE seq > $1 AND processed_at IS NOT NULL`, [marker]);
  const phase = (wall, c0, c1, statusEvents, outboxEvents) => ({
    seconds: round(wall, 1),
    statusEventsProcessedPerSecond: round(statusEvents / wall, 1),
    outboxEventsProcessedPerSecond: round(outboxEvents / wall, 1),
    serverCores: round((c1.server - c0.server) / wall, 2), postgresCores: round((c1.postgres - c0.postgres) / wall, 2),
    machineCores: round((c1.machineBusy - c0.machineBusy) / wall, 2),
  });
  const [notif] = await q(db, `SELECT count(*)::int AS n FROM notifications WHERE created_at >= $1`, [new Date(patchStart)]);
  const drained = drainSeconds !== null;
  const cpuPerChange = perChange(cpuStart, cpuEnd, sent - errors, drained);
  log(`engine: CPU per status change (PATCH + its 2 rule runs): server ${cpuPerChange.serverMs} ms, PostgreSQL ${cpuPerChange.postgresMs} ms`);

  // Every query above is bounded by `marker`, and the burst's events come after it: measure it last.
  const burst = await measureBurst(ctx, { db, http, token, cases, status, concurrency });
  await db.end();
  http.close();

  const seconds = (new Date(hist.last) - new Date(ev.first)) / 1000;
  // Events whose rules have all run (processed) over the window; equal to all of them unless the engine timed out.
  const eventsPerSecond = ev.processed / seconds;
  const runsPerSecond = hist.runs / seconds;
  log(`engine: ${ev.processed}/${ev.events} status-change events processed, ${hist.runs} rule runs in ${seconds.toFixed(1)} s → ${Math.round(eventsPerSecond)} events/s, ${Math.round(runsPerSecond)} runs/s`);
  return {
    eventsPerSecond: round(eventsPerSecond, 1),
    ruleRunsPerSecond: round(runsPerSecond, 1),
    statusChangeEvents: ev.events,
    processedStatusChangeEvents: ev.processed,
    targetEvents: total,
    completed: ev.processed === total,
    ruleRuns: hist.runs,
    ruleRunsPerEvent: round(hist.runs / ev.processed, 3),
    failedRuns: hist.failed,
    skippedRuns: hist.skipped,
    eventsWithoutRuns: ev.events - hist.events_with_runs,
    unprocessedStatusEvents: ev.unprocessed,
    windowSeconds: round(seconds, 2),
    firstCommit: ev.first,
    lastHistoryRow: hist.last,
    outboxEventsInWindow: all.events,
    outboxEventsByName: all.by_name,
    outboxEventsProcessedInWindow: all.processed,
    notificationsCreated: notif.n,
    // While PATCHes come in, the engine shares the one server process with the API; after they
    // stop, it has the process to itself: the second phase is the engine's own capacity.
    phases: {
      ingest: phase(patchSeconds, cpuStart, cpuIngestEnd, processedDuringIngest, outboxDuringIngest),
      drain: phase(drainWall, cpuIngestEnd, cpuEnd, ev.processed - processedDuringIngest, outboxAll - outboxDuringIngest),
    },
    ingest: { patches: sent, target: total, timedOut: sent < total, errors, skippedBusy, seconds: round(patchSeconds, 2), patchesPerSecond: round(sent / patchSeconds, 1), concurrency },
    cpuPerChange,
    burst,
    settleBefore: settled,
    drainAfterLastPatchSeconds: drainSeconds === null ? null : round(drainSeconds, 2),
    engineTimedOut: drainSeconds === null,
    maxBacklog: Math.max(0, ...timeline.map((p) => p.backlog)),
    serverRssMaxMiB: Math.max(0, ...timeline.map((p) => p.rssMiB ?? 0)),
    databaseSessions,
    backlogTimeline: timeline.filter((_, i) => i % 5 === 0).map((p) => ({ s: round((p.t - patchStart) / 1000, 0), backlog: p.backlog, rssMiB: p.rssMiB })),
  };
}
