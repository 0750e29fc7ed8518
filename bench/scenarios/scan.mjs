// Scenario 5 — scheduled scan. N cases are bulk-inserted with SQL (generate_series) straight
// into `cases`, exactly 1% of them in progress and overdue. A TIME_BASED rule created through
// the API ("overdue in-progress cases": notify the assignee, tag the case) with a seconds cron
// that fires a few seconds later selects exactly those. Measured: from the tick's
// scheduled_for to the last history row of that rule, and the server's RSS growth while it runs.
import { settleOutbox } from '../lib/app.mjs';
import { dbPool, q, readFixtures } from '../lib/context.mjs';
import { makeClient } from '../lib/http.mjs';
import { withInspector } from '../lib/inspector.mjs';
import { startWindow } from '../lib/window.mjs';
import { rssMiB, sampleRss } from '../lib/proc.mjs';
import { log, round, sleep, waitFor } from '../lib/stats.mjs';

export async function run(ctx) {
  const users = readFixtures(ctx, 'users');
  const db = dbPool(ctx);
  const http = makeClient(ctx.url, { maxSockets: 4 });
  const n = ctx.sizes.scanCases;
  const expected = n / 100;
  const year = new Date().getUTCFullYear();
  const assignees = users.investigators.map((u) => u.id);

  log(`scan: inserting ${n} cases with generate_series (1% in progress and overdue)`);
  const t0 = Date.now();
  const chunk = 100_000;
  for (let from = 1; from <= n; from += chunk) {
    const to = Math.min(n, from + chunk - 1);
    await q(db, `
      INSERT INTO cases (case_number, title, description, status, case_type, scope_code, severity, assignee_id, owner_id, tags, due_date, created_at, updated_at)
      SELECT 'BULK-' || $3::int || '-' || lpad(g::text, 7, '0'),
             'Bulk case ' || g || ': ' || (ARRAY['vendor payments','travel expenses','access review','data retention'])[1 + g % 4],
             'Loaded by the benchmark',
             (CASE WHEN g % 4 = 0 THEN 'IN_PROGRESS' ELSE (ARRAY['OPEN','UNDER_REVIEW','CLOSED'])[1 + g % 3] END)::case_status,
             (ARRAY['AUDIT','INVESTIGATION','COMPLIANCE','INCIDENT'])[1 + (g / 7) % 4]::case_type,
             'BULK',
             (ARRAY['LOW','MEDIUM','HIGH','CRITICAL'])[1 + (g / 3) % 4]::case_severity,
             ($4::uuid[])[1 + g % cardinality($4::uuid[])],
             $5::uuid,
             CASE WHEN g % 10 = 0 THEN ARRAY['bulk', 'priority'] ELSE ARRAY['bulk'] END,
             CASE WHEN g % 100 = 0 THEN now() - make_interval(days => 3 + g % 20)
                  WHEN g % 3 = 0 THEN NULL
                  ELSE now() + make_interval(days => 1 + g % 90) END,
             now() - make_interval(mins => g % 500000),
             now() - make_interval(mins => g % 1000)
        FROM generate_series($1::int, $2::int) g`, [from, to, year, assignees, users.admin.id]);
    log(`  ${to}/${n} cases`);
  }
  await q(db, `INSERT INTO case_number_counters (scope_code, year, last_value) VALUES ('BULK', $1, $2)
               ON CONFLICT (scope_code, year) DO UPDATE SET last_value = GREATEST(case_number_counters.last_value, EXCLUDED.last_value)`, [year, n]);
  const insertSeconds = (Date.now() - t0) / 1000;
  // A table that size would have been vacuumed and checkpointed long before a tick in production.
  log(`scan: ${n} cases in ${insertSeconds.toFixed(1)} s; VACUUM ANALYZE and CHECKPOINT`);
  await q(db, 'VACUUM (ANALYZE) cases');
  await q(db, 'CHECKPOINT');
  const [{ matching, total }] = await q(db, `
    SELECT count(*) FILTER (WHERE status = 'IN_PROGRESS' AND due_date < now() - interval '24 hours')::int AS matching, count(*)::int AS total FROM cases`);
  if (matching !== expected) throw new Error(`fixture error: ${matching} matching cases, expected ${expected}`);
  // Same-run baseline: PostgreSQL alone selecting the same cases in one statement.
  const b0 = process.hrtime.bigint();
  const bare = await q(db, `SELECT c.id, c.case_number FROM cases c
                             WHERE c.status = 'IN_PROGRESS' AND c.due_date < now() - interval '24 hours' ORDER BY c.id`);
  const bareSeconds = Number(process.hrtime.bigint() - b0) / 1e9;
  if (bare.length !== expected) throw new Error('baseline selection disagrees with the fixture');

  // A daily 6-field cron whose only firing is a few seconds from now (UTC).
  const settled = await settleOutbox(db, ctx.sizes.settleTimeoutMs);
  const fire = new Date(Math.ceil((Date.now() + 8000) / 1000) * 1000);
  const cron = `${fire.getUTCSeconds()} ${fire.getUTCMinutes()} ${fire.getUTCHours()} * * *`;
  const gcRss = async () => { await withInspector(ctx.inspectorUrl, (x) => x.collectGarbage()); await sleep(500); return rssMiB(ctx.serverPid); };
  const retainedBefore = await gcRss();
  const rss = sampleRss(ctx.serverPid, 100);
  const rule = await http.expect(201, 'POST', '/api/v1/workflows/rules', {
    token: users.admin.token,
    body: {
      name: 'Overdue in-progress cases',
      description: 'Every day: tell the assignee and tag the case when an in-progress case is more than a day overdue',
      triggerType: 'TIME_BASED',
      triggerConfig: { cron, conditions: [{ field: 'status', op: 'eq', value: 'IN_PROGRESS' }, { field: 'dueDate', op: 'olderThanHours', value: 24 }] },
      actions: [
        { actionType: 'SEND_NOTIFICATION', actionConfig: { recipients: ['ASSIGNEE'], title: '{{case.caseNumber}} is overdue', message: '"{{case.title}}" was due {{case.dueDate}} and is still {{case.status}}', priority: 'HIGH' } },
        { actionType: 'ADD_TAG', actionConfig: { tag: 'overdue' } },
      ],
    },
  });
  log(`scan: rule created with cron "${cron}" (fires at ${fire.toISOString()}); ${expected} cases should be acted on`);
  while (Date.now() < fire.getTime()) await sleep(50);
  // Growth = the highest RSS while the tick runs minus the RSS just before it (steady state, as a
  // monitor sees it). The GC'd readings before and after show what the scan retains.
  const rssAtTick = rss.samples[rss.samples.length - 1].mib;
  const window = await startWindow(ctx);
  const timeoutMs = ctx.sizes.scanTimeoutMs;
  let lastLog = Date.now();
  const tick = await waitFor(async () => {
    const [t] = await q(db, 'SELECT id, scheduled_for, started_at, processed_at, cases_acted FROM workflow_ticks WHERE rule_id = $1 ORDER BY scheduled_for LIMIT 1', [rule.id]);
    if (Date.now() - lastLog > 10_000) {
      lastLog = Date.now();
      const [{ h }] = await q(db, 'SELECT count(*)::int AS h FROM workflow_history WHERE rule_id = $1', [rule.id]);
      log(`  ${h}/${expected} rule runs so far`);
    }
    return t?.processed_at ? t : undefined;
  }, { timeoutMs, intervalMs: 100, what: 'the tick to be processed' });
  const mem = rss.stop();
  const resources = await window.stop();
  const retainedAfter = await gcRss();
  const [h] = await q(db, `SELECT count(*)::int AS runs, count(*) FILTER (WHERE success)::int AS ok, min(created_at) AS first, max(created_at) AS last
                             FROM workflow_history WHERE rule_id = $1`, [rule.id]);
  const [{ ticks }] = await q(db, 'SELECT count(*)::int AS ticks FROM workflow_ticks WHERE rule_id = $1', [rule.id]);
  // Stop it from firing again during the rest of the run.
  await http.expect(200, 'POST', `/api/v1/workflows/rules/${rule.id}/toggle`, { token: users.admin.token });
  await db.end();
  http.close();

  const scheduledFor = tick ? new Date(tick.scheduled_for) : fire;
  const seconds = h.last ? (new Date(h.last) - scheduledFor) / 1000 : null;
  const growth = mem.max - rssAtTick;
  log(`scan: ${h.runs}/${expected} runs, last ${seconds?.toFixed(1)} s after the tick; server RSS +${growth.toFixed(0)} MiB (max ${mem.max.toFixed(0)} MiB)`);
  return {
    secondsToLastRun: round(seconds, 2),
    ruleRuns: h.runs, successfulRuns: h.ok, expectedRuns: expected, casesInTable: total,
    tickScheduledFor: scheduledFor.toISOString(),
    tickStartedAfterSeconds: tick?.started_at ? round((new Date(tick.started_at) - scheduledFor) / 1000, 3) : null,
    firstRunAfterSeconds: h.first ? round((new Date(h.first) - scheduledFor) / 1000, 3) : null,
    tickProcessedAfterSeconds: tick?.processed_at ? round((new Date(tick.processed_at) - scheduledFor) / 1000, 2) : null,
    casesActed: tick?.cases_acted ?? null, ticks,
    runsPerSecond: seconds ? round(h.runs / seconds, 1) : null,
    rssAfterGcBeforeMiB: round(retainedBefore, 1), rssAfterGcAfterMiB: round(retainedAfter, 1),
    windowResources: resources,
    rssAtTickMiB: round(rssAtTick, 1), rssMaxMiB: round(mem.max, 1), rssGrowthMiB: round(growth, 1),
    timedOut: !tick,
    bareSelectSeconds: round(bareSeconds, 3),
    settleBefore: settled,
    fixture: { cases: n, insertSeconds: round(insertSeconds, 1) },
  };
}
