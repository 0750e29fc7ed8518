import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { bearer, startTestApp, type TestApp, type TestUser } from '../../../test/harness';
import { connectSocket } from '../../../test/sockets';
import { makeRule, patchCase, settle } from '../../../test/workflow-fixtures';

describe('history, retry and traces', () => {
  let t: TestApp;
  let admin: TestUser;
  let flaky: TestUser;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await t.makeUser({ role: 'ADMIN' });
    flaky = await t.makeUser({ role: 'INVESTIGATOR', name: 'Flaky Fred' });
  });
  afterAll(() => t.close());

  it('filters history by rule, case, success and time, newest first, and streams rows to admins live', async () => {
    const live = await connectSocket(t.url, admin.token);
    try {
      const ok = await makeRule(t, admin, { scopeCodes: ['HIS'], triggerType: 'EVENT', triggerConfig: { event: 'case.created' },
        actions: [{ actionType: 'ADD_TAG', actionConfig: { tag: 'seen' } }] });
      const bad = await makeRule(t, admin, { scopeCodes: ['HIS'], triggerType: 'EVENT', triggerConfig: { event: 'case.created' },
        actions: [{ actionType: 'SEND_NOTIFICATION', actionConfig: { recipients: [flaky.id], title: 't', message: 'm' } }] });
      await t.http().patch(`/api/v1/users/${flaky.id}`).set(...bearer(admin)).send({ isActive: false }).expect(200);
      const start = new Date().toISOString();
      const c1 = await t.makeCase(admin, { scopeCode: 'HIS' });
      const c2 = await t.makeCase(admin, { scopeCode: 'HIS' });
      await settle(t);
      const get = async (qs: string) => (await t.http().get(`/api/v1/workflows/history?${qs}`).set(...bearer(admin)).expect(200)).body;

      expect((await get(`ruleId=${ok.id}`)).total).toBe(2);
      const failed = await get(`ruleId=${bad.id}&success=false`);
      expect(failed.total).toBe(2);
      expect(failed.items[0].errorMessage).toMatch(/Flaky Fred is deactivated/);
      // Cases are processed by concurrent workers: which ran last is not fixed, but the list is newest first.
      expect(failed.items.map((h: any) => h.caseId).sort()).toEqual([c1.id, c2.id].sort());
      expect(Date.parse(failed.items[0].createdAt)).toBeGreaterThanOrEqual(Date.parse(failed.items[1].createdAt));
      const forCase = await get(`caseId=${c1.id}`);
      expect(forCase.items.map((h: any) => h.ruleId).sort()).toEqual([ok.id, bad.id].sort());
      expect((await get(`from=${encodeURIComponent(start)}&ruleId=${ok.id}`)).total).toBe(2);
      expect((await get(`to=${encodeURIComponent(start)}&ruleId=${ok.id}`)).total).toBe(0);
      const all = await get(`ruleId=${ok.id}`);
      const page = await get(`ruleId=${ok.id}&limit=1&offset=1`);
      expect(page).toMatchObject({ total: 2 });
      expect(page.items[0].id).toBe(all.items[1].id);
      for (const qs of ['success=maybe', 'ruleId=nope', 'from=yesterday', 'limit=0', 'bogus=1']) {
        await t.http().get(`/api/v1/workflows/history?${qs}`).set(...bearer(admin)).expect(400);
      }
      const row = await live.next('workflow:history', (h) => h.ruleId === bad.id && h.caseId === c2.id);
      expect(row).toMatchObject({ success: false, ruleName: bad.name, caseNumber: c2.caseNumber, eventName: 'case.created' });
    } finally {
      live.close();
    }
  });

  it('retries a failed run once, linked to the original, even with two concurrent requests; refuses to retry a success', async () => {
    const target = await t.makeUser({ role: 'INVESTIGATOR', name: 'Returning Rita' });
    const rule = await makeRule(t, admin, { scopeCodes: ['RET'], triggerType: 'EVENT', triggerConfig: { event: 'case.created' },
      actions: [{ actionType: 'ASSIGN_USER', actionConfig: { userId: target.id } }] });
    await t.http().patch(`/api/v1/users/${target.id}`).set(...bearer(admin)).send({ isActive: false }).expect(200);
    const c = await t.makeCase(admin, { scopeCode: 'RET' });
    await settle(t);
    const [failed] = (await t.http().get(`/api/v1/workflows/history?ruleId=${rule.id}`).set(...bearer(admin))).body.items;
    expect(failed.success).toBe(false);

    await t.http().patch(`/api/v1/users/${target.id}`).set(...bearer(admin)).send({ isActive: true }).expect(200);
    const [r1, r2] = await Promise.all([
      t.http().post(`/api/v1/workflows/history/${failed.id}/retry`).set(...bearer(admin)),
      t.http().post(`/api/v1/workflows/history/${failed.id}/retry`).set(...bearer(admin)),
    ]);
    expect([r1.status, r2.status]).toEqual([201, 201]);
    expect(r1.body.id).toBe(r2.body.id);
    expect(r1.body).toMatchObject({ retryOf: failed.id, success: true, ruleId: rule.id, caseId: c.id, eventId: failed.eventId });
    const retries = await t.sql('SELECT id FROM workflow_history WHERE retry_of = $1', [failed.id]);
    expect(retries).toHaveLength(1);
    expect((await t.http().get(`/api/v1/cases/${c.id}`).set(...bearer(admin))).body.assigneeId).toBe(target.id);

    await t.http().post(`/api/v1/workflows/history/${r1.body.id}/retry`).set(...bearer(admin)).expect(409);
    await t.http().post('/api/v1/workflows/history/00000000-0000-4000-8000-000000000000/retry').set(...bearer(admin)).expect(404);
    const investigator = await t.makeUser({ role: 'INVESTIGATOR' });
    await t.http().post(`/api/v1/workflows/history/${failed.id}/retry`).set(...bearer(investigator)).expect(403);
  });

  it('traces an event: every rule that existed, its outcome and each condition\'s result', async () => {
    const ran = await makeRule(t, admin, { name: 'trace ran', scopeCodes: ['TRC'], priority: 1, triggerType: 'STATUS_CHANGE',
      triggerConfig: { toStatus: ['UNDER_REVIEW'] }, actions: [{ actionType: 'ADD_TAG', actionConfig: { tag: 'r' } }] });
    const cond = await makeRule(t, admin, { name: 'trace severity', scopeCodes: ['TRC'], priority: 2, triggerType: 'STATUS_CHANGE',
      triggerConfig: { toStatus: ['UNDER_REVIEW'], conditions: [{ field: 'severity', op: 'eq', value: 'CRITICAL' }] },
      actions: [{ actionType: 'ADD_TAG', actionConfig: { tag: 'c' } }] });
    const scoped = await makeRule(t, admin, { name: 'trace other scope', scopeCodes: ['ZZZ'], triggerType: 'STATUS_CHANGE',
      triggerConfig: { toStatus: ['UNDER_REVIEW'] }, actions: [{ actionType: 'ADD_TAG', actionConfig: { tag: 'z' } }] });
    const off = await makeRule(t, admin, { name: 'trace disabled', isEnabled: false, triggerType: 'STATUS_CHANGE',
      triggerConfig: { toStatus: ['UNDER_REVIEW'] }, actions: [{ actionType: 'ADD_TAG', actionConfig: { tag: 'o' } }] });
    const c = await t.makeCase(admin, { scopeCode: 'TRC', severity: 'LOW' });
    await patchCase(t, admin, c.id, { status: 'UNDER_REVIEW' });
    await settle(t);
    const events = (await t.http().get(`/api/v1/workflows/events?caseId=${c.id}`).set(...bearer(admin)).expect(200)).body;
    const statusEvent = events.items.find((e: any) => e.name === 'case.status_changed' && e.depth === 0);
    expect(statusEvent).toMatchObject({ caseId: c.id });
    expect(statusEvent.processedAt).not.toBeNull();
    const trace = (await t.http().get(`/api/v1/workflows/events/${statusEvent.id}/trace`).set(...bearer(admin)).expect(200)).body;
    const byRule = new Map(trace.items.map((e: any) => [e.ruleId, e]));
    expect(byRule.get(ran.id)).toMatchObject({ outcome: 'RAN', ruleName: 'trace ran' });
    expect(byRule.get(cond.id)).toMatchObject({ outcome: 'NOT_MATCHED' });
    expect((byRule.get(cond.id) as any).reasons.join('\n')).toMatch(/severity eq CRITICAL: false \(is LOW\)/);
    expect(byRule.get(scoped.id)).toMatchObject({ outcome: 'OUT_OF_SCOPE' });
    expect(byRule.get(off.id)).toMatchObject({ outcome: 'DISABLED' });
    await t.http().get('/api/v1/workflows/events/00000000-0000-4000-8000-000000000000/trace').set(...bearer(admin)).expect(404);
  });
});
