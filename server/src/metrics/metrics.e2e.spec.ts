import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { bearer, startTestApp, type TestApp, type TestUser } from '../../test/harness';
import { makeRule, settle } from '../../test/workflow-fixtures';

describe('metrics and workflow stats', () => {
  let t: TestApp;
  let admin: TestUser;
  beforeAll(async () => {
    t = await startTestApp();
    admin = await t.makeUser({ role: 'ADMIN' });
  });
  afterAll(() => t.close());

  it('exposes Prometheus metrics on loopback without a token, counting real work', async () => {
    await makeRule(t, admin, { scopeCodes: ['MET'], triggerType: 'EVENT', triggerConfig: { event: 'case.created' },
      actions: [{ actionType: 'ADD_TAG', actionConfig: { tag: 'm' } }] });
    await t.makeCase(admin, { scopeCode: 'MET' });
    await settle(t);
    const res = await t.http().get('/metrics').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    const value = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(res.text)?.[1]);
    expect(value('acos_events_processed_total')).toBeGreaterThanOrEqual(2);
    expect(value('acos_rule_runs_total\\{outcome="RAN"\\}')).toBe(1);
    // Durations in seconds, as histograms.
    expect(res.text).toMatch(/^# TYPE acos_action_duration_seconds histogram$/m);
    expect(res.text).toMatch(/^acos_action_duration_seconds_count\{action_type="ADD_TAG"\} 1$/m);
    expect(value('acos_action_duration_seconds_sum\\{action_type="ADD_TAG"\\}')).toBeLessThan(1);
    expect(value('acos_rule_run_duration_seconds_count\\{outcome="RAN"\\}')).toBe(1);
    expect(value('acos_outbox_event_lag_seconds_count')).toBeGreaterThanOrEqual(2);
    expect(value('acos_outbox_pending')).toBe(0);
    expect(value('acos_outbox_lag_seconds')).toBe(0);
    expect(value('acos_events_dead_lettered_total')).toBe(0);
    // Node's own: event-loop lag, heap, GC, memory.
    expect(value('nodejs_eventloop_lag_seconds')).toBeGreaterThanOrEqual(0);
    expect(value('nodejs_eventloop_lag_p99_seconds')).toBeGreaterThan(0);
    expect(value('nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
    expect(value('process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(res.text).toMatch(/^# TYPE nodejs_gc_duration_seconds histogram$/m);
    // The API's requests by route pattern, never by raw URL.
    const again = await t.http().get('/metrics').expect(200);
    expect(again.text).toMatch(/^acos_http_request_duration_seconds_count\{method="GET",route="\/metrics",status="200"\} [1-9]/m);
    expect(again.text).not.toMatch(/route="[^"]*[0-9a-f]{8}-[0-9a-f]{4}/);
    // Every sample line is "name{labels} number": what a Prometheus parser accepts.
    for (const line of again.text.split('\n').filter((l) => l && !l.startsWith('#'))) {
      expect(line).toMatch(/^[a-zA-Z_:][a-zA-Z0-9_:]*(\{[^}]*\})? (-?[0-9.e+-]+|NaN|\+Inf|-Inf)$/);
    }
    expect(res.text).toMatch(/^acos_sockets_connected \d+$/m);
    // The engine's and the API's repeated statements are prepared, within the bound.
    expect(value('acos_prepared_statements')).toBeGreaterThan(0);
    expect(value('acos_prepared_statements')).toBeLessThanOrEqual(200);
  });

  it('gives admins the dashboard numbers and refuses others', async () => {
    const stats = (await t.http().get('/api/v1/workflows/stats').set(...bearer(admin)).expect(200)).body;
    expect(stats).toMatchObject({ runsLastMinute: 1, runsLastHour: 1, failuresLastHour: 0, skippedLastHour: 0, outboxPending: 0 });
    const viewer = await t.makeUser({ role: 'VIEWER' });
    await t.http().get('/api/v1/workflows/stats').set(...bearer(viewer)).expect(403);
  });
});

describe('metrics when not bound to loopback', () => {
  it('needs METRICS_TOKEN or an ADMIN token', async () => {
    const metricsToken = 'scraper-token-0123456789abcdef';
    const t = await startTestApp({ env: { HOST: '0.0.0.0', METRICS_TOKEN: metricsToken } });
    try {
      const admin = await t.makeUser({ role: 'ADMIN' });
      const viewer = await t.makeUser({ role: 'VIEWER' });
      const url = t.url.replace('0.0.0.0', '127.0.0.1');
      const get = (token?: string) => fetch(`${url}/metrics`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
      expect((await get()).status).toBe(401);
      expect((await get(viewer.token)).status).toBe(401);
      expect((await get(admin.token)).status).toBe(200);
      const scraped = await get(metricsToken);
      expect(scraped.status).toBe(200);
      expect(await scraped.text()).toMatch(/^acos_sockets_connected \d+$/m);
      expect((await get(metricsToken.slice(0, -1))).status).toBe(401);
      expect((await get(metricsToken + 'x')).status).toBe(401);
    } finally {
      await t.close();
    }
  });
});
