// Scenario 13 — engine capacity: how fast the engine works through a standing backlog when nothing else
// competes for the machine. Scenario 2 measures the engine while the API feeds it, so on a small machine
// its figure is bounded by how fast the API makes events, not by the engine. Here the orchestrator runs
// two phases on the same database:
//   fill:  the server runs with OUTBOX_DISPATCHER=off; status changes are PATCHed through the API (the
//          same 200 rules, 2 matches per event) and their events wait in the outbox;
//   drain: the server is restarted with its defaults; its engine processes the backlog with the API idle.
// Figure: status-change events/s from the first to the last history row of the backlog's events, and the
// server's and PostgreSQL's CPU per status-change event (its rule runs and the events they cause).
import { currentStatuses, maxEventSeq, sampleSessionStates, setRulesEnabled, settleOutbox, waitOutboxDrained } from '../lib/app.mjs';
import { dbPool, q, readFixtures } from '../lib/context.mjs';
import { makeClient } from '../lib/http.mjs';
import { log, round, sleep } from '../lib/stats.mjs';
import { startWindow } from '../lib/window.mjs';
import { patchStatusChanges } from './engine.mjs';

const CONCURRENCY = 48;

async function fill(ctx) {
  const users = readFixtures(ctx, 'users');
  const { cases, rules } = readFixtures(ctx, 'engine');
  const db = dbPool(ctx);
  const http = makeClient(ctx.url, { maxSockets: CONCURRENCY });
  const token = users.admin.token;
  try {
    const settled = await settleOutbox(db, ctx.sizes.settleTimeoutMs);
    await setRulesEnabled(http, token, rules, true);
    const status = await currentStatuses(db, cases.map((c) => c.id));
    // What autovacuum leaves on a server in production: statistics taken while the queue was empty (it drains in
    // milliseconds), so the planner believes the pending-event indexes empty when the backlog arrives.
    await q(db, 'VACUUM ANALYZE domain_events');
    const marker = await maxEventSeq(db);
    const total = ctx.sizes.capacityEvents;
    log(`capacity: filling the outbox with ${total} status changes (this server does not process events)`);
    const p = await patchStatusChanges({ http, token, cases, status, total, concurrency: CONCURRENCY, timeoutMs: ctx.sizes.engineIngestTimeoutMs, label: 'capacity fill' });
    const [x] = await q(db, `SELECT count(*)::int AS events, count(*) FILTER (WHERE processed_at IS NULL)::int AS pending
                               FROM domain_events WHERE seq > $1 AND name = 'case.status_changed'`, [marker]);
    log(`capacity: ${p.sent} PATCHes in ${p.seconds.toFixed(1)} s (${Math.round(p.sent / p.seconds)}/s, ${p.errors} errors); ${x.pending} status-change events wait`);
    if (x.pending !== x.events) throw new Error(`${x.events - x.pending} events were processed although the dispatcher was off`);
    return { marker, changes: p.sent, errors: p.errors, patchesPerSecond: round(p.sent / p.seconds, 1), pendingStatusChangeEvents: x.pending, settleBefore: settled };
  } finally {
    await db.end();
    http.close();
  }
}

async function drain(ctx) {
  const { marker } = ctx.capacity;
  const db = dbPool(ctx);
  try {
    const processedSoFar = async () => (await q(db, `SELECT count(*)::int AS n FROM domain_events WHERE seq > $1 AND name = 'case.status_changed' AND processed_at IS NOT NULL`, [marker]))[0].n;
    // The engine starts with the server, before this step: CPU is counted from here, per event processed from here.
    const resources = await startWindow(ctx);
    const n0 = await processedSoFar();
    const sessions = sampleSessionStates(db);
    const drainedIn = await waitOutboxDrained(db, ctx.sizes.capacityDrainTimeoutMs, 'the engine to work through the backlog');
    const used = await resources.stop();
    const databaseSessions = sessions.stop();
    const n1 = await processedSoFar();
    await sleep(100);
    // One join rather than a lookup per event: history has no index on event_id alone (its unique key is partial),
    // and after scenario 10's bulk history a lookup per event took minutes.
    const [x] = await q(db, `
      WITH backlog AS (SELECT id, processed_at FROM domain_events WHERE seq > $1 AND name = 'case.status_changed'),
           runs AS (SELECT min(h.created_at) AS first, max(h.created_at) AS last, count(*)::int AS runs,
                           count(*) FILTER (WHERE NOT h.success)::int AS failed
                      FROM workflow_history h JOIN backlog b ON b.id = h.event_id)
      SELECT (SELECT count(*)::int FROM backlog) AS events,
             (SELECT count(*)::int FROM backlog WHERE processed_at IS NULL) AS unprocessed, runs.*
        FROM runs`, [marker]);
    const [{ n: allEvents }] = await q(db, `SELECT count(*)::int AS n FROM domain_events WHERE seq > $1 AND processed_at IS NOT NULL`, [marker]);
    const seconds = (new Date(x.last) - new Date(x.first)) / 1000;
    const processed = x.events - x.unprocessed;
    const counted = n1 - n0;
    const perEvent = (cpuSeconds) => (counted > 0 ? round((cpuSeconds * 1000) / counted, 3) : null);
    const result = {
      statusChangeEvents: x.events, processed, unprocessed: x.unprocessed, drained: drainedIn !== null,
      eventsPerSecond: seconds > 0 ? round(processed / seconds, 1) : null,
      ruleRunsPerSecond: seconds > 0 ? round(x.runs / seconds, 1) : null,
      outboxEventsPerSecond: seconds > 0 ? round(allEvents / seconds, 1) : null,
      ruleRuns: x.runs, failedRuns: x.failed, windowSeconds: round(seconds, 2),
      // Over the events processed after this step began (the engine starts with the server, a moment earlier).
      cpuPerEvent: { serverMs: perEvent(used.serverCpuSeconds), postgresMs: perEvent(used.postgresCpuSeconds), events: counted, processedBeforeStep: n0 },
      coresBusy: drainedIn ? { server: used.serverCores, postgres: used.postgresCores } : null,
      serverEventLoopUtilization: used.serverEventLoopUtilization,
      // Average number of the server's database sessions in each state while it drained (idle ones left out).
      databaseSessions,
    };
    log(`capacity: ${processed}/${x.events} status-change events, ${x.runs} rule runs in ${seconds.toFixed(1)} s → ${result.eventsPerSecond} events/s; `
      + `CPU per event: server ${result.cpuPerEvent.serverMs} ms, PostgreSQL ${result.cpuPerEvent.postgresMs} ms`);
    return result;
  } finally {
    await db.end();
  }
}

export function run(ctx) {
  if (ctx.capacity?.phase === 'fill') return fill(ctx);
  if (ctx.capacity?.phase === 'drain') return drain(ctx);
  throw new Error('the capacity scenario runs in two phases started by scripts/bench.mjs (fill, then drain)');
}
