import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { bearer, startTestApp, type TestApp, type TestUser } from '../../../test/harness';

/** The analysis through the real API: warnings follow the rule set as it changes, and never block a save. */
describe('rule-set analysis on rule responses', () => {
  let t: TestApp;
  let admin: TestUser;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await t.makeUser({ role: 'ADMIN' });
  });
  afterAll(() => t.close());

  const post = (body: Record<string, unknown>) => t.http().post('/api/v1/workflows/rules').set(...bearer(admin)).send(body).expect(201);
  const step = (name: string, to: string, next: string) => ({
    name, scopeCodes: ['LOOP'], triggerType: 'STATUS_CHANGE', triggerConfig: { toStatus: [to] },
    actions: [{ actionType: 'CHANGE_STATUS', actionConfig: { status: next } }],
  });
  const warningsOf = async (id: string): Promise<Array<{ code: string; ruleIds: string[]; message: string }>> =>
    (await t.http().get(`/api/v1/workflows/rules/${id}`).set(...bearer(admin)).expect(200)).body.warnings;

  it('closing a three-rule cycle warns on all three (create, get and list); disabling one moves the warning to it as a what-if', async () => {
    const a = (await post(step('Loop A', 'OPEN', 'UNDER_REVIEW'))).body;
    const b = (await post(step('Loop B', 'UNDER_REVIEW', 'CLOSED'))).body;
    expect(a.warnings).toEqual([]);
    expect(b.warnings).toEqual([]);
    const c = (await post(step('Loop C', 'CLOSED', 'OPEN'))).body;
    expect(c.warnings).toEqual([expect.objectContaining({ code: 'LOOP', ruleIds: [c.id, a.id, b.id] })]);
    expect((await warningsOf(a.id)).map((w) => w.code)).toEqual(['LOOP']);
    const list = (await t.http().get('/api/v1/workflows/rules').set(...bearer(admin)).expect(200)).body.items;
    expect(list.filter((r: any) => r.warnings.some((w: any) => w.code === 'LOOP')).map((r: any) => r.name)).toEqual(['Loop A', 'Loop B', 'Loop C']);

    const toggled = (await t.http().post(`/api/v1/workflows/rules/${c.id}/toggle`).set(...bearer(admin)).expect(200)).body;
    expect(toggled.isEnabled).toBe(false);
    expect(toggled.warnings[0].message).toMatch(/^If enabled, rule "Loop C" would start a loop/);
    expect(await warningsOf(a.id)).toEqual([]);
  });

  it('a contradictory rule is saved all the same (201) and says why it can never match; PATCH re-analyses', async () => {
    const r = (await post({
      name: 'Never', triggerType: 'CONDITION',
      triggerConfig: { conditions: [{ field: 'status', op: 'eq', value: 'OPEN' }, { field: 'status', op: 'eq', value: 'CLOSED' }] },
    })).body;
    expect(r.warnings).toEqual([{ code: 'NEVER_MATCHES', ruleIds: [r.id], message: expect.stringContaining('status eq OPEN, status eq CLOSED') }]);
    const fixed = await t.http().patch(`/api/v1/workflows/rules/${r.id}`).set(...bearer(admin))
      .send({ triggerConfig: { conditions: [{ field: 'status', op: 'eq', value: 'OPEN' }] } }).expect(200);
    expect(fixed.body.warnings).toEqual([]);
  });

  it('FAN_OUT counts the active admins at the time of the answer', async () => {
    const r = (await post({
      name: 'Tell every admin', triggerType: 'EVENT', triggerConfig: { event: 'case.created' },
      actions: [{ actionType: 'SEND_NOTIFICATION', actionConfig: { recipients: ['ADMINS'], title: 'New case', message: 'x' } }],
    })).body;
    expect(r.warnings).toEqual([]);
    // 50 more admins (the test admin makes 51), inserted directly: hashing 50 passwords would only slow the test down.
    await t.get(DataSource).query(`INSERT INTO users (email, name, role, password_hash)
      SELECT 'fanout' || g || '@test.local', 'Admin ' || g, 'ADMIN', 'x' FROM generate_series(1, 50) g`);
    expect(await warningsOf(r.id)).toEqual([{ code: 'FAN_OUT', ruleIds: [r.id], message: 'Rule "Tell every admin" notifies up to 51 people for a single event (more than 50).' }]);
    await t.get(DataSource).query(`UPDATE users SET is_active = false WHERE email = 'fanout1@test.local'`);
    expect(await warningsOf(r.id)).toEqual([]);
  });
});
