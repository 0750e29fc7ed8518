// AuditCaseOS-specific helpers for the load process: login, status cycling, outbox state.
import { q } from './context.mjs';
import { log, round, waitFor } from './stats.mjs';

/** The status every bench PATCH moves a case to next: a full lifecycle, then reopened. */
export const NEXT_STATUS = { OPEN: 'IN_PROGRESS', IN_PROGRESS: 'UNDER_REVIEW', UNDER_REVIEW: 'CLOSED', CLOSED: 'OPEN', ARCHIVED: 'OPEN' };
export const TARGET_STATUSES = ['IN_PROGRESS', 'UNDER_REVIEW', 'CLOSED', 'OPEN'];
export const PREVIOUS_STATUS = { IN_PROGRESS: 'OPEN', UNDER_REVIEW: 'IN_PROGRESS', CLOSED: 'UNDER_REVIEW', OPEN: 'CLOSED' };

export async function login(http, email, password) {
  const body = await http.expect(200, 'POST', '/api/v1/auth/login', { body: { email, password } });
  return { token: body.accessToken, user: body.user };
}

/** id → status for the given cases, read from the database (the load process keeps it current afterwards). */
export async function currentStatuses(pool, caseIds) {
  const rows = await q(pool, 'SELECT id, status FROM cases WHERE id = ANY($1::uuid[])', [caseIds]);
  return new Map(rows.map((r) => [r.id, r.status]));
}

export async function outboxBacklog(pool) {
  const [{ n }] = await q(pool, 'SELECT count(*)::int AS n FROM domain_events WHERE processed_at IS NULL');
  return n;
}

export async function maxEventSeq(pool) {
  const [{ s }] = await q(pool, 'SELECT COALESCE(max(seq), 0)::bigint AS s FROM domain_events');
  return String(s);
}

/** Waits until every outbox event is processed; returns the seconds it took (null on timeout). */
export async function waitOutboxDrained(pool, timeoutMs, what = 'the outbox to drain') {
  const started = Date.now();
  let lastLog = started;
  const ok = await waitFor(async () => (await outboxBacklog(pool)) === 0, {
    timeoutMs, intervalMs: 250, what,
    onTick: async () => {
      if (Date.now() - lastLog > 10_000) { lastLog = Date.now(); log(`  waiting for ${what}: ${await outboxBacklog(pool)} events pending`); }
    },
  });
  return ok ? (Date.now() - started) / 1000 : null;
}

/** Enables or disables rules through the API (POST /toggle flips; only flip the ones in the wrong state). */
export async function setRulesEnabled(http, adminToken, ruleIds, enabled) {
  let flipped = 0;
  for (const id of ruleIds) {
    const rule = await http.expect(200, 'GET', `/api/v1/workflows/rules/${id}`, { token: adminToken });
    if (rule.isEnabled === enabled) continue;
    const after = await http.expect(200, 'POST', `/api/v1/workflows/rules/${id}/toggle`, { token: adminToken });
    if (after.isEnabled !== enabled) throw new Error(`rule ${id} did not toggle`);
    flipped++;
  }
  return flipped;
}

/**
 * Before a measurement: wait (bounded) for earlier scenarios' events to be processed; what is
 * still pending after `timeoutMs` is set aside with SQL so the next measurement starts from an
 * empty outbox. Returns how many were set aside (reported in the results, never hidden).
 */
export async function settleOutbox(pool, timeoutMs) {
  const seconds = await waitOutboxDrained(pool, timeoutMs, 'earlier events to be processed');
  if (seconds !== null) return { waitedSeconds: Math.round(seconds * 10) / 10, abandonedEvents: 0 };
  const rows = await q(pool, `UPDATE domain_events SET processed_at = now(), last_error = 'set aside by the benchmark (backlog)'
                               WHERE processed_at IS NULL RETURNING id`);
  log(`  set aside ${rows.length} unprocessed events so the next measurement starts clean`);
  return { waitedSeconds: Math.round(timeoutMs / 100) / 10, abandonedEvents: rows.length };
}

/**
 * Samples what the server's database sessions are doing every 200 ms (evidence for where the time goes).
 * stop() answers the average number of sessions in each state per sample, idle ones left out.
 */
export function sampleSessionStates(pool) {
  const states = {};
  let samples = 0;
  const timer = setInterval(async () => {
    try {
      const rows = await q(pool, `SELECT state, wait_event_type, wait_event, left(query, 60) AS query FROM pg_stat_activity
                                   WHERE datname = current_database() AND pid <> pg_backend_pid() AND application_name NOT LIKE 'bench%'
                                     AND backend_type = 'client backend'`);
      samples++;
      for (const r of rows) {
        if (r.state === 'idle') continue;
        const k = r.wait_event_type === 'Lock' ? `${r.state} / Lock:${r.wait_event} / ${r.query.replace(/\s+/g, ' ')}` : `${r.state} / ${r.wait_event_type ?? 'CPU'}:${r.wait_event ?? '-'}`;
        states[k] = (states[k] ?? 0) + 1;
      }
    } catch { /* a missed sample */ }
  }, 200);
  return {
    stop() {
      clearInterval(timer);
      return Object.fromEntries(Object.entries(states).sort((a, b) => b[1] - a[1]).slice(0, 12).map(([k, v]) => [k, round(v / Math.max(1, samples), 2)]));
    },
  };
}
