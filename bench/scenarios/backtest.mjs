// Scenario 9 — backtest. N recorded events (1,000,000; 100,000 quick) spread over the last 6.9 days
// are bulk-inserted with SQL (generate_series) straight into `domain_events`, already processed,
// each with a realistic case snapshot in its payload (20,000 cases; 2,000 quick): 40% case.updated,
// 25% case.status_changed, 15% case.created, 10% case.assigned, 5% case.tagged, 5% evidence.uploaded.
// Two draft rules are backtested over 7 days through POST /api/v1/workflows/rules/backtest:
// a STATUS_CHANGE rule (reads the 25% status changes) and a CONDITION rule (reads the 65% of events
// a CONDITION rule listens to — the worst case). Measured: seconds per backtest (request → answer)
// and events replayed per second. Same-run baseline: PostgreSQL alone counting the same events.
import { dbPool, q, readFixtures } from '../lib/context.mjs';
import { cpuSeconds } from '../lib/cpu.mjs';
import { makeClient } from '../lib/http.mjs';
import { startWindow } from '../lib/window.mjs';
import { log, round } from '../lib/stats.mjs';

const SPAN_DAYS = 6.9;

export async function run(ctx) {
  const users = readFixtures(ctx, 'users');
  const db = dbPool(ctx);
  const http = makeClient(ctx.url, { maxSockets: 4, timeoutMs: 120_000 });
  const n = ctx.sizes.backtestEvents;
  const nCases = ctx.sizes.backtestCases;
  const assignees = users.investigators.map((u) => u.id);

  log(`backtest: inserting ${n} processed events over ${SPAN_DAYS} days with generate_series (${nCases} cases)`);
  const t0 = Date.now();
  const chunk = 100_000;
  for (let from = 1; from <= n; from += chunk) {
    const to = Math.min(n, from + chunk - 1);
    await q(db, `
      WITH g AS (
        SELECT g, ((g::bigint * 7919) % $4::int)::int AS k, g % 20 AS kind,
               now() - make_interval(secs => $3::float8 * 86400 * ($6::int - g) / $6::int) AS at
          FROM generate_series($1::int, $2::int) g
      ), e AS (
        SELECT g, k, kind, at,
               CASE WHEN kind < 8 THEN 'case.updated' WHEN kind < 13 THEN 'case.status_changed' WHEN kind < 16 THEN 'case.created'
                    WHEN kind < 18 THEN 'case.assigned' WHEN kind = 18 THEN 'case.tagged' ELSE 'evidence.uploaded' END AS name,
               (ARRAY['OPEN','IN_PROGRESS','UNDER_REVIEW','CLOSED'])[1 + (g / 20) % 4] AS status,
               (ARRAY['CLOSED','OPEN','IN_PROGRESS','UNDER_REVIEW'])[1 + (g / 20) % 4] AS previous_status,
               jsonb_build_object(
                 'id', md5('bench-case-' || k)::uuid, 'caseNumber', 'BT-' || lpad(k::text, 6, '0'),
                 'title', 'Backtest case ' || k || ': ' || (ARRAY['vendor payments','travel expenses','access review','data retention'])[1 + k % 4],
                 'description', 'A case the benchmark made up, with a description about as long as a real one tends to be.',
                 'status', (ARRAY['OPEN','IN_PROGRESS','UNDER_REVIEW','CLOSED'])[1 + (g / 20) % 4],
                 'caseType', (ARRAY['AUDIT','INVESTIGATION','COMPLIANCE','INCIDENT'])[1 + (k / 7) % 4],
                 'scopeCode', (ARRAY['FIN','HR','IT','OPS'])[1 + k % 4],
                 'severity', (ARRAY['LOW','MEDIUM','HIGH','CRITICAL'])[1 + (k / 3) % 4],
                 'assigneeId', ($5::uuid[])[1 + k % cardinality($5::uuid[])], 'ownerId', $7::uuid,
                 'tags', CASE WHEN g % 10 = 0 THEN jsonb_build_array('bulk', 'priority') ELSE jsonb_build_array('bulk') END,
                 'dueDate', NULL, 'createdAt', to_jsonb(at - interval '30 days'), 'updatedAt', to_jsonb(at), 'closedAt', NULL,
                 'evidenceCount', g % 5) AS snap
          FROM g
      )
      INSERT INTO domain_events (id, name, case_id, actor_id, depth, payload, created_at, processed_at)
      SELECT gen_random_uuid(), name, (snap->>'id')::uuid, $7::uuid, 0,
             jsonb_build_object('case', snap) || CASE name
               WHEN 'case.status_changed' THEN jsonb_build_object('fromStatus', previous_status, 'toStatus', status)
               WHEN 'case.updated' THEN jsonb_build_object('previous', jsonb_build_object('tags', CASE WHEN g % 3 = 0 THEN jsonb_build_array('bulk') ELSE snap->'tags' END),
                                                           'changedFields', jsonb_build_array('tags'))
               WHEN 'case.assigned' THEN jsonb_build_object('fromAssigneeId', NULL, 'toAssigneeId', snap->'assigneeId')
               WHEN 'case.tagged' THEN jsonb_build_object('addedTags', jsonb_build_array('bulk'))
               WHEN 'evidence.uploaded' THEN jsonb_build_object('evidence', jsonb_build_object('id', gen_random_uuid(), 'filename', 'ledger.pdf', 'mimeType', 'application/pdf', 'sizeBytes', 1024))
               ELSE '{}'::jsonb END,
             at, at
        FROM e`, [from, to, SPAN_DAYS, nCases, assignees, n, users.admin.id]);
    if (to % 200_000 === 0 || to === n) log(`  ${to}/${n} events`);
  }
  const insertSeconds = (Date.now() - t0) / 1000;
  log(`backtest: ${n} events in ${insertSeconds.toFixed(1)} s; VACUUM ANALYZE and CHECKPOINT`);
  await q(db, 'VACUUM (ANALYZE) domain_events');
  await q(db, 'CHECKPOINT');

  // Same-run baseline: PostgreSQL alone counting the same window's events.
  const baseline = async () => {
    const b0 = process.hrtime.bigint();
    const [{ total }] = await q(db, `SELECT count(*)::int AS total FROM domain_events WHERE created_at >= now() - interval '7 days'`);
    return { total, seconds: Number(process.hrtime.bigint() - b0) / 1e9 };
  };
  const base = await baseline();
  log(`backtest: baseline count(*) of ${base.total} events in ${base.seconds.toFixed(2)} s`);

  const rules = {
    statusChange: {
      name: 'Critical review (backtest)', triggerType: 'STATUS_CHANGE',
      triggerConfig: { toStatus: ['UNDER_REVIEW'], conditions: [{ field: 'severity', op: 'in', value: ['HIGH', 'CRITICAL'] }] },
      actions: [
        { actionType: 'SEND_NOTIFICATION', actionConfig: { recipients: ['ASSIGNEE', 'ADMINS'], title: '{{case.caseNumber}} needs review', message: 'Severity {{case.severity}}' } },
        { actionType: 'ADD_TAG', actionConfig: { tag: 'review' } },
      ],
    },
    condition: {
      name: 'Priority open case (backtest)', triggerType: 'CONDITION',
      triggerConfig: { conditions: [{ field: 'tags', op: 'contains', value: 'priority' }, { field: 'status', op: 'neq', value: 'CLOSED' }] },
      actions: [{ actionType: 'SEND_NOTIFICATION', actionConfig: { recipients: ['ASSIGNEE'], title: '{{case.caseNumber}} is a priority', message: 'Look at it' } }],
    },
  };
  const window = await startWindow(ctx);
  const runs = {};
  // Each rule twice, alternating: the first pass also shows what reading the week from disk costs.
  for (const [key, rule] of [...Object.entries(rules), ...Object.entries(rules).map(([k, r]) => [`${k}Again`, r])]) {
    const c0 = cpuSeconds(ctx.serverPid, ctx.postmasterPid);
    const r0 = process.hrtime.bigint();
    const body = await http.expect(200, 'POST', '/api/v1/workflows/rules/backtest', { token: users.admin.token, body: { rule, days: 7 } });
    const seconds = Number(process.hrtime.bigint() - r0) / 1e9;
    const c1 = cpuSeconds(ctx.serverPid, ctx.postmasterPid);
    // The replay is one request on one connection: server and PostgreSQL take turns, so their CPU
    // seconds added up are what it would take on an otherwise idle machine.
    const cpu = (c1.server - c0.server) + (c1.postgres - c0.postgres);
    runs[key] = {
      cpuSeconds: { server: round(c1.server - c0.server, 2), postgres: round(c1.postgres - c0.postgres, 2), total: round(cpu, 2) },
      seconds: round(seconds, 3), serverMs: body.durationMs, eventsScanned: body.eventsScanned, eventsMatched: body.eventsMatched,
      casesAffected: body.casesAffected, actionCounts: body.actionCounts, skipped: body.skipped, recipients: body.notificationsByRecipient.length,
      eventsPerSecond: round(body.eventsScanned / seconds, 0),
    };
    log(`backtest: ${key}: ${body.eventsScanned} events, ${body.eventsMatched} matched, in ${seconds.toFixed(2)} s (${runs[key].eventsPerSecond} events/s; CPU ${cpu.toFixed(2)} s)`);
  }
  const resources = await window.stop();
  const after = await baseline();
  await db.end();
  http.close();

  const slowest = Math.max(...Object.values(runs).map((r) => r.seconds));
  const slowestCpu = Math.max(...Object.values(runs).map((r) => r.cpuSeconds.total));
  return {
    cpuSeconds: round(slowestCpu, 2),
    seconds: round(slowest, 3),
    eventsScanned: runs.condition.eventsScanned,
    eventsPerSecond: round(runs.condition.eventsScanned / slowest, 0),
    slowestRun: Object.entries(runs).find(([, r]) => r.seconds === slowest)?.[0],
    runs,
    baselineCountSeconds: round(Math.min(base.seconds, after.seconds), 3),
    baselineEvents: base.total,
    windowResources: resources,
    fixture: { events: n, cases: nCases, spanDays: SPAN_DAYS, insertSeconds: round(insertSeconds, 1) },
  };
}
