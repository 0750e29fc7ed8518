// Scenario 2 — engine throughput. The load process PATCHes case statuses through the API
// (many concurrent connections, never two at once for the same case) while the server's
// outbox dispatcher runs the 200 rules. Figure: status-change events/s and rule runs/s from
// the first event's commit (domain_events.created_at) to the last history row of those events.
import { currentStatuses, maxEventSeq, NEXT_STATUS, outboxBacklog, settleOutbox, waitOutboxDrained } from '../lib/app.mjs';
import { dbPool, q, readFixtures } from '../lib/context.mjs';
import { makeClient } from '../lib/http.mjs';
import { cpuSeconds } from '../lib/cpu.mjs';
import { rssMiB } from '../lib/proc.mjs';
import { log, round, sleep } from '../lib/stats.mjs';

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
  // What the server's database sessions are doing, sampled (evidence for where the time goes).
  const waits = {};
  let waitSamples = 0;
  const waitMonitor = setInterval(async () => {
    try {
      const rows = await q(db, `SELECT state, wait_event_type, wait_event, left(query, 60) AS query FROM pg_stat_activity
                                 WHERE datname = current_database() AND pid <> pg_backend_pid() AND application_name NOT LIKE 'bench%'
                                   AND backend_type = 'client backend'`);
      waitSamples++;
      for (const r of rows) {
        if (r.state === 'idle') continue;
        const k = r.wait_event_type === 'Lock' ? `${r.state} / Lock:${r.wait_event} / ${r.query.replace(/\s+/g, ' ')}` : `${r.state} / ${r.wait_event_type ?? 'CPU'}:${r.wait_event ?? '-'}`;
        waits[k] = (waits[k] ?? 0) + 1;
      }
    } catch { /* ignore */ }
  }, 200);

  let next = 0;
  let errors = 0;
  let cursor = 0;
  let skippedBusy = 0;
  const inFlight = new Set();
  const cpuStart = cpuSeconds(ctx.serverPid, ctx.postmasterPid);
  const patchStart = Date.now();
  const ingestDeadline = patchStart + ctx.sizes.engineIngestTimeoutMs;
  let lastLog = patchStart;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < total && Date.now() < ingestDeadline) {
      const i = next++;
      // Round robin over the cases, skipping one whose previous PATCH has not answered yet
      // (a status change must never race another on the same case).
      let c = cases[cursor++ % cases.length];
      while (inFlight.has(c.id)) { skippedBusy++; c = cases[cursor++ % cases.length]; }
      inFlight.add(c.id);
      const to = NEXT_STATUS[status.get(c.id)];
      const res = await http.patch(`/api/v1/cases/${c.id}`, { token, body: { status: to } });
      inFlight.delete(c.id);
      if (res.status === 200) status.set(c.id, to); else errors++;
      if (Date.now() - lastLog > 10_000) { lastLog = Date.now(); log(`  ${i + 1}/${total} PATCHed`); }
    }
  }));
  const patchEnd = Date.now();
  const patchSeconds = (patchEnd - patchStart) / 1000;
  const cpuIngestEnd = cpuSeconds(ctx.serverPid, ctx.postmasterPid);
  const [{ n: processedDuringIngest }] = await q(db, `SELECT count(*)::int AS n FROM domain_events WHERE seq > $1 AND name = 'case.status_changed' AND processed_at IS NOT NULL`, [marker]);
  const [{ n: outboxDuringIngest }] = await q(db, `SELECT count(*)::int AS n FROM domain_events WHERE seq > $1 AND processed_at IS NOT NULL`, [marker]);
  const sent = next;
  if (sent < total) log(`engine: only ${sent} of ${total} PATCHes were sent within the ${ctx.sizes.engineIngestTimeoutMs / 1000} s ingest limit`);
  log(`engine: ${sent} PATCHes in ${patchSeconds.toFixed(1)} s (${Math.round(sent / patchSeconds)}/s, ${errors} errors); waiting for the engine`);

  const drainStart = Date.now();
  const drainSeconds = await waitOutboxDrained(db, ctx.sizes.engineDrainTimeoutMs, 'the engine to finish');
  const drainWall = (Date.now() - drainStart) / 1000;
  const cpuEnd = cpuSeconds(ctx.serverPid, ctx.postmasterPid);
  clearInterval(monitor);
  clearInterval(waitMonitor);
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
    settleBefore: settled,
    drainAfterLastPatchSeconds: drainSeconds === null ? null : round(drainSeconds, 2),
    engineTimedOut: drainSeconds === null,
    maxBacklog: Math.max(0, ...timeline.map((p) => p.backlog)),
    serverRssMaxMiB: Math.max(0, ...timeline.map((p) => p.rssMiB ?? 0)),
    // Average number of server sessions in each state per sample (idle ones left out).
    databaseSessions: Object.fromEntries(Object.entries(waits).sort((a, b) => b[1] - a[1]).slice(0, 12).map(([k, v]) => [k, round(v / Math.max(1, waitSamples), 2)])),
    backlogTimeline: timeline.filter((_, i) => i % 5 === 0).map((p) => ({ s: round((p.t - patchStart) / 1000, 0), backlog: p.backlog, rssMiB: p.rssMiB })),
  };
}
