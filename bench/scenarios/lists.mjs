// Scenario 10 — lists at production volume: the cases table is brought to N cases (the scan scenario's bulk
// cases count towards it), workflow_history to 5×N rows and one investigator's notifications to N, all with
// generate_series; then one client asks each list endpoint's first page (filters and searches included) in
// turn. Measured: p50/p99 per endpoint. Same-run baseline: GET /health from the same client.
import { dbPool, q, readFixtures } from '../lib/context.mjs';
import { makeClient } from '../lib/http.mjs';
import { log, round, summarize } from '../lib/stats.mjs';

async function fill(db, what, have, want, chunk, insert) {
  for (let from = have + 1; from <= want; from += chunk) {
    const to = Math.min(want, from + chunk - 1);
    await insert(from, to);
    log(`  ${to}/${want} ${what}`);
  }
}

export async function run(ctx) {
  const users = readFixtures(ctx, 'users');
  const db = dbPool(ctx);
  const http = makeClient(ctx.url, { maxSockets: 1 });
  const n = ctx.sizes.listCases;
  const reader = users.investigators[0];
  const year = new Date().getUTCFullYear();
  const t0 = Date.now();

  const [{ cases }] = await q(db, 'SELECT count(*)::int AS cases FROM cases');
  log(`lists: ${cases} cases; filling to ${n} cases, ${5 * n} history rows, ${n} notifications`);
  await fill(db, 'cases', cases, n, 100_000, (from, to) => q(db, `
    INSERT INTO cases (case_number, title, description, status, case_type, scope_code, severity, assignee_id, owner_id, tags, created_at, updated_at)
    SELECT 'LIST-' || $3::int || '-' || lpad(g::text, 7, '0'),
           'Listed case ' || g || ': ' || (ARRAY['vendor payments','travel expenses','access review','data retention'])[1 + g % 4],
           'Loaded by the benchmark', (ARRAY['OPEN','IN_PROGRESS','UNDER_REVIEW','CLOSED'])[1 + g % 4]::case_status,
           'AUDIT', (ARRAY['FIN','HR','IT','OPS'])[1 + g % 4], 'MEDIUM', $4::uuid, $5::uuid, ARRAY['bulk'],
           now() - make_interval(mins => g % 500000), now() - make_interval(mins => g % 1000)
      FROM generate_series($1::int, $2::int) g`, [from, to, year, reader.id, users.admin.id]));
  const [{ history }] = await q(db, 'SELECT count(*)::int AS history FROM workflow_history');
  await fill(db, 'history rows', history, 5 * n, 250_000, (from, to) => q(db, `
    INSERT INTO workflow_history (rule_id, rule_name, case_id, case_number, event_id, event_name, success, error_message, duration_ms, created_at)
    SELECT ('00000000-0000-4000-8000-' || lpad((g % 200)::text, 12, '0'))::uuid, 'Bulk rule ' || (g % 200), gen_random_uuid(),
           'LIST-' || $3::int || '-' || lpad((1 + g % 100000)::text, 7, '0'), gen_random_uuid(), 'case.status_changed',
           g % 50 <> 0, CASE WHEN g % 50 = 0 THEN 'bulk failure' END, 3, now() - make_interval(secs => g)
      FROM generate_series($1::int, $2::int) g`, [from, to, year]));
  // The bulk runs' rules, as the server keeps every rule's names (a rule-name search starts from these).
  await q(db, `
    INSERT INTO workflow_rule_revisions (rule_id, revision, snapshot, change)
    SELECT ('00000000-0000-4000-8000-' || lpad(g::text, 12, '0'))::uuid, 1, jsonb_build_object('name', 'Bulk rule ' || g, 'deleted', true), 'DELETED'
      FROM generate_series(0, 199) g
    ON CONFLICT DO NOTHING`);
  const [{ notes }] = await q(db, 'SELECT count(*)::int AS notes FROM notifications WHERE user_id = $1', [reader.id]);
  await fill(db, 'notifications', notes, n, 250_000, (from, to) => q(db, `
    INSERT INTO notifications (user_id, title, message, priority, is_read, created_at)
    SELECT $3::uuid, 'Bulk notification ' || g, 'Loaded by the benchmark', 'NORMAL', g % 3 <> 0, now() - make_interval(secs => g)
      FROM generate_series($1::int, $2::int) g`, [from, to, reader.id]));
  log(`lists: loaded in ${((Date.now() - t0) / 1000).toFixed(1)} s; VACUUM ANALYZE`);
  for (const table of ['cases', 'workflow_history', 'notifications']) await q(db, `VACUUM (ANALYZE) ${table}`);
  await q(db, 'CHECKPOINT');

  const admin = users.admin.token;
  const endpoints = [
    ['cases', '/api/v1/cases?limit=20', reader.token],
    ['cases by status', '/api/v1/cases?status=UNDER_REVIEW&limit=20', reader.token],
    ['cases by scope (admin)', '/api/v1/cases?scopeCode=HR&limit=20', admin],
    ['case search', '/api/v1/cases?q=travel%20expenses&limit=20', reader.token],
    ['case search, rare word', '/api/v1/cases?q=LIST-' + year + '-0012345&limit=20', reader.token],
    ['history', '/api/v1/workflows/history?limit=20', admin],
    ['history, failures', '/api/v1/workflows/history?success=false&limit=20', admin],
    ['history by case number', `/api/v1/workflows/history?caseNumber=LIST-${year}-0004242&limit=20`, admin],
    ['history by rule name', '/api/v1/workflows/history?q=rule%2017&limit=20', admin],
    ['notifications', '/api/v1/notifications?limit=20', reader.token],
    ['notifications, unread', '/api/v1/notifications?limit=20&unreadOnly=true', reader.token],
    ['audit log', '/api/v1/audit-log?limit=20', admin],
    ['users', '/api/v1/users?limit=20', admin],
  ];
  const rounds = ctx.sizes.listRounds;
  const measure = async (path, token) => {
    const ms = [];
    for (let i = 0; i < rounds; i++) {
      const res = await http.get(path, { token });
      if (res.status !== 200) throw new Error(`GET ${path} answered ${res.status}`);
      ms.push(res.ms);
    }
    return summarize(ms);
  };
  // Warm-up: each statement once, so the figures are of a running server, not of first plans.
  for (const [, path, token] of endpoints) await http.get(path, { token });
  const health = await measure('/api/v1/health', undefined);
  const results = [];
  for (const [name, path, token] of endpoints) {
    const latencyMs = await measure(path, token);
    results.push({ name, path, latencyMs });
    log(`lists: ${name.padEnd(26)} p50 ${latencyMs.p50} ms, p99 ${latencyMs.p99} ms`);
  }
  await db.end();
  http.close();
  const worst = results.reduce((a, b) => ((b.latencyMs.p99 ?? Infinity) > (a.latencyMs.p99 ?? Infinity) ? b : a));
  return {
    cases: n, historyRows: 5 * n, notifications: n, rounds, health: { latencyMs: health }, endpoints: results,
    worstP99: { name: worst.name, ms: worst.latencyMs.p99 }, worstP50: round(Math.max(...results.map((r) => r.latencyMs.p50 ?? Infinity)), 2),
  };
}
