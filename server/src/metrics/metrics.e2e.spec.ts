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
    expect(res.text).toMatch(/acos_action_duration_ms_count\{action_type="ADD_TAG"\} 1/);
    expect(value('acos_outbox_pending')).toBe(0);
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
  it('needs an ADMIN token', async () => {
    const t = await startTestApp({ env: { HOST: '0.0.0.0' } });
    try {
      const admin = await t.makeUser({ role: 'ADMIN' });
      const viewer = await t.makeUser({ role: 'VIEWER' });
      const url = t.url.replace('0.0.0.0', '127.0.0.1');
      const get = (token?: string) => fetch(`${url}/metrics`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
      expect((await get()).status).toBe(401);
      expect((await get(viewer.token)).status).toBe(401);
      expect((await get(admin.token)).status).toBe(200);
    } finally {
      await t.close();
    }
  });
});
