import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { bearer, startTestApp, type TestApp, type TestUser } from '../../test/harness';

const REQUIRED = [
  'sla-reminder', 'critical-escalation', 'round-robin-intake', 'evidence-received', 'stale-case-nudge', 'reopened-case-alert',
  'overdue-due-date', 'closure-note',
];

/** CONTRACT §12 templates: at least eight ready-made rules, each one a body the real validation accepts, saved as a draft. */
describe('rule templates', () => {
  let t: TestApp;
  let admin: TestUser;

  beforeAll(async () => {
    t = await startTestApp({ env: { OUTBOX_DISPATCHER: 'off', SCHEDULER: 'off' } });
    admin = await t.makeUser({ role: 'ADMIN' });
  });
  afterAll(() => t?.close());

  it('offers the audit team templates, each saved by POST /workflows/rules as a disabled draft', async () => {
    const { body } = await t.http().get('/api/v1/workflows/templates').set(...bearer(admin)).expect(200);
    expect(body.length).toBeGreaterThanOrEqual(8);
    const keys = body.map((tpl: { key: string }) => tpl.key);
    expect(keys).toEqual(expect.arrayContaining(REQUIRED));
    expect(new Set(keys).size).toBe(keys.length);
    for (const tpl of body) {
      expect(tpl).toEqual({ key: expect.any(String), name: expect.any(String), description: expect.any(String), rule: expect.any(Object) });
      const res = await t.http().post('/api/v1/workflows/rules').set(...bearer(admin)).send(tpl.rule);
      expect({ key: tpl.key, status: res.status, body: res.status === 201 ? 'ok' : res.body }).toEqual({ key: tpl.key, status: 201, body: 'ok' });
      expect(res.body).toMatchObject({ name: tpl.rule.name, isEnabled: false, triggerType: tpl.rule.triggerType, pausedAt: null });
      expect(res.body.actions).toHaveLength(tpl.rule.actions.length);
    }
  });

  it('is for admins only', async () => {
    const viewer = await t.makeUser({ role: 'VIEWER' });
    await t.http().get('/api/v1/workflows/templates').set(...bearer(viewer)).expect(403);
    await t.http().get('/api/v1/workflows/templates').expect(401);
  });
});
