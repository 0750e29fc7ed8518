import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { bearer, startTestApp, type TestApp, type TestUser } from '../../../test/harness';
import { makeRule } from '../../../test/workflow-fixtures';

describe('rule export and import', () => {
  let source: TestApp;
  let target: TestApp;
  let admin: TestUser;
  let targetAdmin: TestUser;
  beforeAll(async () => {
    [source, target] = await Promise.all([startTestApp(), startTestApp()]);
    admin = await source.makeUser({ role: 'ADMIN' });
    targetAdmin = await target.makeUser({ role: 'ADMIN' });
  });
  afterAll(async () => {
    await source.close();
    await target.close();
  });

  const comparable = (rules: any[]) => rules.map(({ id, createdAt, updatedAt, actions, ...r }) => ({
    ...r, actions: actions.map(({ id: _id, ruleId, ...a }: any) => a),
  }));

  it('export then import reproduces the same rules, and importing is validated and all-or-nothing', async () => {
    await makeRule(source, admin, { name: 'Export A', priority: 5, scopeCodes: ['FIN'], caseTypes: ['AUDIT'], triggerType: 'STATUS_CHANGE',
      triggerConfig: { toStatus: ['UNDER_REVIEW'], conditions: [{ field: 'severity', op: 'in', value: ['HIGH'] }] },
      actions: [{ actionType: 'SEND_NOTIFICATION', actionConfig: { recipients: ['ASSIGNEE', 'ADMINS'], title: '{{case.caseNumber}}', message: 'm', priority: 'HIGH' } },
        { actionType: 'ADD_TAG', actionConfig: { tag: 'x' } }] });
    await makeRule(source, admin, { name: 'Export B', isEnabled: false, stopProcessing: true, triggerType: 'TIME_BASED',
      triggerConfig: { cron: '0 9 * * 1-5', conditions: [{ field: 'updatedAt', op: 'olderThanHours', value: 168 }] },
      actions: [{ actionType: 'CREATE_TIMELINE', actionConfig: { message: 'stale' } }] });
    const exported = (await source.http().get('/api/v1/workflows/rules/export').set(...bearer(admin)).expect(200)).body;
    expect(exported).toMatchObject({ format: 'auditcaseos-rules', version: 1 });
    expect(exported.rules).toHaveLength(2);

    const imported = await target.http().post('/api/v1/workflows/rules/import').set(...bearer(targetAdmin)).send(exported).expect(201);
    expect(imported.body.total).toBe(2);
    const a = (await source.http().get('/api/v1/workflows/rules').set(...bearer(admin))).body.items;
    const b = (await target.http().get('/api/v1/workflows/rules').set(...bearer(targetAdmin))).body.items;
    expect(comparable(b)).toEqual(comparable(a));

    // Same names again: 409, nothing added.
    await target.http().post('/api/v1/workflows/rules/import').set(...bearer(targetAdmin)).send(exported).expect(409);
    // One bad rule spoils the batch: 400 naming it, nothing added.
    const bad = { rules: [{ ...exported.rules[0], name: 'fresh one' }, { ...exported.rules[1], name: 'fresh two', triggerConfig: { cron: 'nope', conditions: [] } }] };
    const res = await target.http().post('/api/v1/workflows/rules/import').set(...bearer(targetAdmin)).send(bad).expect(400);
    expect(([] as string[]).concat(res.body.message).join('\n')).toMatch(/rules\[1\]\.triggerConfig\.cron/);
    expect((await target.http().get('/api/v1/workflows/rules').set(...bearer(targetAdmin))).body.total).toBe(2);
    const investigator = await target.makeUser({ role: 'INVESTIGATOR' });
    await target.http().get('/api/v1/workflows/rules/export').set(...bearer(investigator)).expect(403);
  });
});
