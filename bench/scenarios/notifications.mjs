// Scenario 6 — notification reads. A reader (created and logged in through the API) gets
// 100,000 notifications (bulk SQL fixture, with its unread counter set the way the service
// keeps it). Then 50 concurrent clients, closed loop, read the first page
// (GET /api/v1/notifications) and, separately, the unread count. Same-run baseline: GET
// /api/v1/health at the same concurrency (the cheapest route: no auth, one trivial query),
// measured before and after the two endpoints.
import { randomBytes } from 'node:crypto';
import { login } from '../lib/app.mjs';
import { dbPool, q, readFixtures } from '../lib/context.mjs';
import { makeClient } from '../lib/http.mjs';
import { startWindow } from '../lib/window.mjs';
import { log, round, summarize } from '../lib/stats.mjs';

async function closedLoop(ctx, http, path, token, clients, perClient, check) {
  const window = await startWindow(ctx);
  const latencies = [];
  let errors = 0;
  const t0 = Date.now();
  await Promise.all(Array.from({ length: clients }, async () => {
    for (let i = 0; i < perClient; i++) {
      const res = await http.get(path, { token });
      if (res.status === 200 && (!check || check(res.body))) latencies.push(res.ms); else errors++;
    }
  }));
  const seconds = (Date.now() - t0) / 1000;
  return { resources: await window.stop(), latencyMs: summarize(latencies), errors, requests: clients * perClient, requestsPerSecond: round((clients * perClient) / seconds, 1) };
}

const meanOf = (a, b) => (a === null || b === null ? null : round((a + b) / 2, 2));

export async function run(ctx) {
  const users = readFixtures(ctx, 'users');
  const db = dbPool(ctx);
  const clients = 50;
  const perClient = ctx.sizes.readsPerClient;
  const total = ctx.sizes.notifications;
  const http = makeClient(ctx.url, { maxSockets: clients });

  const password = 'bench-' + randomBytes(8).toString('hex');
  const email = 'reader@bench.local';
  const user = await http.expect(201, 'POST', '/api/v1/users', {
    token: users.admin.token, body: { email, name: 'Busy Reader', role: 'INVESTIGATOR', password, scopeCodes: [] },
  });
  const { token } = await login(http, email, password);

  log(`notifications: inserting ${total} notifications for one user (bulk SQL)`);
  await q(db, `
    INSERT INTO notifications (user_id, title, message, priority, entity_type, entity_id, link_url, is_read, created_at, read_at)
    SELECT $1, 'CASE-' || g || ' is now UNDER_REVIEW',
           'Investigator moved "Bench case ' || g || '" from IN_PROGRESS to UNDER_REVIEW (Notify assignee)',
           (ARRAY['LOW','NORMAL','HIGH','URGENT']::notification_priority[])[1 + g % 4], 'case', gen_random_uuid(), '/cases/' || gen_random_uuid(),
           g % 5 <> 0, date_trunc('milliseconds', now() - make_interval(secs => g * 37.0)),
           CASE WHEN g % 5 <> 0 THEN now() - make_interval(secs => g * 30.0) END
      FROM generate_series(1, $2::int) g`, [user.id, total]);
  const [{ unread }] = await q(db, 'SELECT count(*)::int AS unread FROM notifications WHERE user_id = $1 AND NOT is_read', [user.id]);
  // The unread counter as the service keeps it (one row per user, or per user and writer shard,
  // depending on the schema version); the API check below proves the server agrees.
  const counterColumns = (await q(db, `SELECT column_name FROM information_schema.columns WHERE table_name = 'notification_counters'`)).map((r) => r.column_name);
  if (counterColumns.includes('shard')) {
    await q(db, 'DELETE FROM notification_counters WHERE user_id = $1', [user.id]);
    await q(db, 'INSERT INTO notification_counters (user_id, shard, unread_count) VALUES ($1, 0, $2)', [user.id, unread]);
  } else {
    await q(db, `INSERT INTO notification_counters (user_id, unread_count) VALUES ($1, $2)
                 ON CONFLICT (user_id) DO UPDATE SET unread_count = EXCLUDED.unread_count`, [user.id, unread]);
  }
  await q(db, 'ANALYZE notifications');
  const [{ all }] = await q(db, 'SELECT count(*)::int AS all FROM notifications');

  // Sanity and warm-up: the API sees them.
  const first = await http.expect(200, 'GET', '/api/v1/notifications', { token });
  const count = await http.expect(200, 'GET', '/api/v1/notifications/unread-count', { token });
  if (first.items.length !== 50 || !first.nextCursor) throw new Error(`unexpected first page: ${first.items.length} items`);
  if (count.count !== unread) throw new Error(`unread-count ${count.count}, expected ${unread}`);
  for (let i = 0; i < 200; i++) {
    await http.get('/api/v1/health');
    await http.get('/api/v1/notifications', { token });
    await http.get('/api/v1/notifications/unread-count', { token });
  }
  // Open all the clients' keep-alive connections before the first measured window: otherwise only
  // that window (the baseline's first half) pays for the connection setup and a cold route at
  // this concurrency, which flatters the ratios.
  for (const path of ['/api/v1/health', '/api/v1/notifications', '/api/v1/notifications/unread-count']) {
    await closedLoop(ctx, http, path, path === '/api/v1/health' ? undefined : token, clients, 5);
  }

  log(`notifications: ${clients} clients × ${perClient} requests each, per endpoint`);
  const healthBefore = await closedLoop(ctx, http, '/api/v1/health', undefined, clients, perClient);
  const firstPage = await closedLoop(ctx, http, '/api/v1/notifications', token, clients, perClient, (b) => b.items?.length === 50);
  const unreadCount = await closedLoop(ctx, http, '/api/v1/notifications/unread-count', token, clients, perClient, (b) => b.count === unread);
  const healthAfter = await closedLoop(ctx, http, '/api/v1/health', undefined, clients, perClient);
  // The baseline must describe the conditions the two endpoints ran under, which drift (GC,
  // autovacuum, other processes). /health bracketing them, before and after, and the mean of the
  // two p99s approximates the time in between; the lower one would turn one noisy window into a
  // stricter ratio, the higher one into a looser one.
  const health = { p99: meanOf(healthBefore.latencyMs.p99, healthAfter.latencyMs.p99), before: healthBefore, after: healthAfter };
  log(`notifications: first page p99 ${firstPage.latencyMs.p99} ms (${firstPage.requestsPerSecond}/s), unread-count p99 ${unreadCount.latencyMs.p99} ms (${unreadCount.requestsPerSecond}/s), health p99 ${healthBefore.latencyMs.p99} / ${healthAfter.latencyMs.p99} ms before / after (${healthBefore.requestsPerSecond}/s, ${healthAfter.requestsPerSecond}/s)`);
  // The same reads one at a time: what a request costs without queueing behind 49 others.
  const serialFirst = await closedLoop(ctx, http, '/api/v1/notifications', token, 1, 300);
  const serialCount = await closedLoop(ctx, http, '/api/v1/notifications/unread-count', token, 1, 300);
  await db.end();
  http.close();
  return {
    firstPage, unreadCount, health, clients, perClient,
    serial: { firstPage: serialFirst, unreadCount: serialCount },
    userNotifications: total, userUnread: unread, notificationsTableRows: all,
  };
}
