import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { bearer, startTestApp, type TestApp, type TestUser } from '../../../test/harness';
import { makeRule, patchCase, settle } from '../../../test/workflow-fixtures';

const base = { triggerType: 'STATUS_CHANGE', triggerConfig: { toStatus: ['UNDER_REVIEW'] } };
const notify = (extra: Record<string, unknown> = {}) => ({
  actionType: 'SEND_NOTIFICATION', actionConfig: { recipients: ['ASSIGNEE'], title: 'Hi', message: 'There', ...extra },
});

describe('workflow rules API', () => {
  let t: TestApp;
  let admin: TestUser;
  let investigator: TestUser;
  let viewer: TestUser;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await t.makeUser({ role: 'ADMIN' });
    investigator = await t.makeUser({ role: 'INVESTIGATOR' });
    viewer = await t.makeUser({ role: 'VIEWER' });
  });
  afterAll(() => t.close());

  it('creates a rule with the contract defaults and its actions in sequence order', async () => {
    const res = await t.http().post('/api/v1/workflows/rules').set(...bearer(admin)).send({
      name: 'Defaults', ...base,
      actions: [{ actionType: 'ADD_TAG', actionConfig: { tag: 'B' }, sequence: 2 }, { actionType: 'CREATE_TIMELINE', actionConfig: { message: 'x' }, sequence: 1 }],
    }).expect(201);
    expect(res.body).toMatchObject({
      name: 'Defaults', description: '', isEnabled: true, priority: 100, stopProcessing: false, cooldownSeconds: 300, scopeCodes: [], caseTypes: [],
      triggerType: 'STATUS_CHANGE', triggerConfig: { toStatus: ['UNDER_REVIEW'] },
    });
    expect(res.body.actions.map((a: any) => [a.actionType, a.sequence, a.ruleId])).toEqual([
      ['CREATE_TIMELINE', 1, res.body.id], ['ADD_TAG', 2, res.body.id],
    ]);
    expect(res.body.actions[1].actionConfig).toEqual({ tag: 'b' });
    await t.http().post('/api/v1/workflows/rules').set(...bearer(admin)).send({ name: 'defaults', ...base }).expect(409);
  });

  it('stores "isEmpty" with value null as a condition without a value, and the stored rule is accepted back as it is', async () => {
    const res = await t.http().post('/api/v1/workflows/rules').set(...bearer(admin)).send({
      name: 'No tags yet', triggerType: 'EVENT',
      triggerConfig: { event: 'case.assigned', conditions: [{ field: 'tags', op: 'isEmpty', value: null }] },
      actions: [{ actionType: 'CREATE_TIMELINE', actionConfig: { message: 'untagged' } }],
    }).expect(201);
    expect(res.body.triggerConfig.conditions).toEqual([{ field: 'tags', op: 'isEmpty' }]);
    await t.http().patch(`/api/v1/workflows/rules/${res.body.id}`).set(...bearer(admin))
      .send({ triggerConfig: res.body.triggerConfig }).expect(200);
  });

  const invalid: Array<[string, Record<string, unknown>, RegExp]> = [
    ['unknown top-level field', { ...base, bogus: 1 }, /bogus should not exist/],
    ['bad trigger type', { triggerType: 'SOMETIMES', triggerConfig: {} }, /triggerType/],
    ['status outside the enum', { triggerType: 'STATUS_CHANGE', triggerConfig: { toStatus: ['DONE'] } }, /triggerConfig\.toStatus/],
    ['unknown trigger config key', { triggerType: 'STATUS_CHANGE', triggerConfig: { to: ['OPEN'] } }, /triggerConfig\.to: unknown property/],
    ['bad event name', { triggerType: 'EVENT', triggerConfig: { event: 'case.deleted' } }, /triggerConfig\.event/],
    ['CONDITION without conditions', { triggerType: 'CONDITION', triggerConfig: { conditions: [] } }, /triggerConfig\.conditions/],
    ['bad match', { triggerType: 'CONDITION', triggerConfig: { match: 'SOME', conditions: [{ field: 'status', op: 'eq', value: 'OPEN' }] } }, /triggerConfig\.match/],
    ['bad cron', { triggerType: 'TIME_BASED', triggerConfig: { cron: '61 * * * *', conditions: [{ field: 'status', op: 'eq', value: 'OPEN' }] } }, /triggerConfig\.cron/],
    ['cron alias', { triggerType: 'TIME_BASED', triggerConfig: { cron: '@daily', conditions: [{ field: 'status', op: 'eq', value: 'OPEN' }] } }, /triggerConfig\.cron/],
    ['TIME_BASED without conditions', { triggerType: 'TIME_BASED', triggerConfig: { cron: '0 9 * * *' } }, /triggerConfig\.conditions/],
    ['op that does not fit the field', { triggerType: 'CONDITION', triggerConfig: { conditions: [{ field: 'status', op: 'gt', value: 'OPEN' }] } }, /conditions\[0\]\.op.*status/],
    ['unknown field', { triggerType: 'CONDITION', triggerConfig: { conditions: [{ field: 'owner', op: 'eq', value: 'x' }] } }, /conditions\[0\]\.field/],
    ['value of the wrong type', { triggerType: 'CONDITION', triggerConfig: { conditions: [{ field: 'evidenceCount', op: 'gt', value: 'many' }] } }, /conditions\[0\]\.value/],
    ['missing value', { triggerType: 'CONDITION', triggerConfig: { conditions: [{ field: 'severity', op: 'eq' }] } }, /conditions\[0\]\.value/],
    ['value where none belongs', { triggerType: 'CONDITION', triggerConfig: { conditions: [{ field: 'tags', op: 'isEmpty', value: 'x' }] } }, /takes no value/],
    ['in without an array', { triggerType: 'CONDITION', triggerConfig: { conditions: [{ field: 'status', op: 'in', value: 'OPEN' }] } }, /non-empty array/],
    ['olderThanHours not a number', { triggerType: 'CONDITION', triggerConfig: { conditions: [{ field: 'updatedAt', op: 'olderThanHours', value: '7d' }] } }, /hours/],
    ['unknown template variable', { ...base, actions: [notify({ title: 'Hi {{case.secret}}' })] }, /actions\[0\]\.actionConfig\.title: unknown template variable \{\{case\.secret\}\}/],
    ['unbalanced braces', { ...base, actions: [notify({ message: 'Hi {{case.title}' })] }, /actions\[0\]\.actionConfig\.message: unbalanced braces/],
    ['unknown recipient', { ...base, actions: [notify({ recipients: ['EVERYONE'] })] }, /recipients\[0\]/],
    ['unknown user in ASSIGN_USER', { ...base, actions: [{ actionType: 'ASSIGN_USER', actionConfig: { userId: '00000000-0000-4000-8000-000000000000' } }] }, /actions\[0\]\.actionConfig\.userId: no user/],
    ['ASSIGN_USER bad strategy', { ...base, actions: [{ actionType: 'ASSIGN_USER', actionConfig: { strategy: 'RANDOM' } }] }, /strategy/],
    ['CHANGE_STATUS outside the enum', { ...base, actions: [{ actionType: 'CHANGE_STATUS', actionConfig: { status: 'DONE' } }] }, /actions\[0\]\.actionConfig\.status/],
    ['bad action type', { ...base, actions: [{ actionType: 'SEND_EMAIL', actionConfig: {} }] }, /actionType/],
    ['ADD_TAG too long', { ...base, actions: [{ actionType: 'ADD_TAG', actionConfig: { tag: 'x'.repeat(51) } }] }, /tag/],
    ['negative cooldown', { ...base, cooldownSeconds: -1 }, /cooldownSeconds/],
    ['bad scope code', { ...base, scopeCodes: ['fin'] }, /scopeCodes/],
    ['bad case type', { ...base, caseTypes: ['THEFT'] }, /caseTypes/],
  ];

  it.each(invalid)('refuses %s with 400 naming the field, and stores nothing', async (_label, body, pattern) => {
    const before = await t.sql<{ n: string }>('SELECT count(*) AS n FROM workflow_rules');
    const res = await t.http().post('/api/v1/workflows/rules').set(...bearer(admin)).send({ name: `bad ${Math.random()}`, ...body });
    expect(res.status).toBe(400);
    const messages = ([] as string[]).concat(res.body.message).join('\n');
    expect(messages).toMatch(pattern);
    expect(await t.sql('SELECT count(*) AS n FROM workflow_rules')).toEqual(before);
  });

  it('is ADMIN only: investigators and viewers get 403, anonymous 401, on every workflow route', async () => {
    const rule = await makeRule(t, admin, { ...base } as never);
    const routes: Array<[string, string]> = [
      ['get', '/api/v1/workflows/rules'], ['post', '/api/v1/workflows/rules'], ['get', `/api/v1/workflows/rules/${rule.id}`],
      ['patch', `/api/v1/workflows/rules/${rule.id}`], ['delete', `/api/v1/workflows/rules/${rule.id}`],
      ['post', `/api/v1/workflows/rules/${rule.id}/toggle`], ['post', `/api/v1/workflows/rules/${rule.id}/actions`],
      ['post', `/api/v1/workflows/rules/${rule.id}/test`], ['get', '/api/v1/workflows/history'], ['get', '/api/v1/workflows/meta'],
      ['get', `/api/v1/workflows/rules/${rule.id}/revisions`], ['get', '/api/v1/workflows/events'],
    ];
    for (const [method, url] of routes) {
      for (const user of [investigator, viewer]) {
        const res = await (t.http() as any)[method](url).set(...bearer(user)).send({});
        expect({ url, method, role: user.role, status: res.status }).toEqual({ url, method, role: user.role, status: 403 });
      }
      const anon = await (t.http() as any)[method](url).send({});
      expect({ url, status: anon.status }).toEqual({ url, status: 401 });
    }
    await t.http().get(`/api/v1/workflows/rules/${rule.id}`).set(...bearer(admin)).expect(200);
  });

  it('updates, toggles, edits actions and deletes, keeping history rows of a deleted rule', async () => {
    const rule = await makeRule(t, admin, { ...base, scopeCodes: ['UPD'], actions: [{ actionType: 'ADD_TAG', actionConfig: { tag: 'a' } }] } as never);
    const patched = await t.http().patch(`/api/v1/workflows/rules/${rule.id}`).set(...bearer(admin)).send({ priority: 5, description: 'now' }).expect(200);
    expect(patched.body).toMatchObject({ priority: 5, description: 'now', name: rule.name });
    await t.http().patch(`/api/v1/workflows/rules/${rule.id}`).set(...bearer(admin)).send({ actions: [] }).expect(400);
    await t.http().patch(`/api/v1/workflows/rules/${rule.id}`).set(...bearer(admin)).send({ triggerType: 'TIME_BASED' }).expect(400);
    const toggled = await t.http().post(`/api/v1/workflows/rules/${rule.id}/toggle`).set(...bearer(admin)).expect(200);
    expect(toggled.body.isEnabled).toBe(false);
    await t.http().post(`/api/v1/workflows/rules/${rule.id}/toggle`).set(...bearer(admin)).expect(200);

    const added = await t.http().post(`/api/v1/workflows/rules/${rule.id}/actions`).set(...bearer(admin))
      .send({ actionType: 'CREATE_TIMELINE', actionConfig: { message: 'note {{case.caseNumber}}' } }).expect(201);
    expect(added.body).toMatchObject({ ruleId: rule.id, actionType: 'CREATE_TIMELINE', sequence: 1 });
    await t.http().patch(`/api/v1/workflows/rules/${rule.id}/actions/${added.body.id}`).set(...bearer(admin))
      .send({ actionConfig: { message: '{{nope}}' } }).expect(400);
    const upd = await t.http().patch(`/api/v1/workflows/rules/${rule.id}/actions/${added.body.id}`).set(...bearer(admin))
      .send({ sequence: 0 }).expect(200);
    expect(upd.body.sequence).toBe(0);
    await t.http().delete(`/api/v1/workflows/rules/${rule.id}/actions/${rule.actions[0].id}`).set(...bearer(admin)).expect(204);
    await t.http().delete(`/api/v1/workflows/rules/${rule.id}/actions/${rule.actions[0].id}`).set(...bearer(admin)).expect(404);
    expect((await t.http().get(`/api/v1/workflows/rules/${rule.id}`).set(...bearer(admin))).body.actions.map((a: any) => a.actionType)).toEqual(['CREATE_TIMELINE']);

    const c = await t.makeCase(admin, { scopeCode: 'UPD' });
    await patchCase(t, admin, c.id, { status: 'UNDER_REVIEW' });
    await settle(t);
    await t.http().delete(`/api/v1/workflows/rules/${rule.id}`).set(...bearer(admin)).expect(204);
    await t.http().get(`/api/v1/workflows/rules/${rule.id}`).set(...bearer(admin)).expect(404);
    const history = await t.http().get(`/api/v1/workflows/history?ruleId=${rule.id}`).set(...bearer(admin)).expect(200);
    expect(history.body.items).toHaveLength(1);
    expect(history.body.items[0]).toMatchObject({ ruleName: rule.name, caseNumber: c.caseNumber, success: true });
  });

  it('lists rules by priority then age, filtered by trigger type and enabled flag', async () => {
    const a = await makeRule(t, admin, { ...base, priority: 7, name: 'list-a' } as never);
    const b = await makeRule(t, admin, { ...base, priority: 3, name: 'list-b', isEnabled: false } as never);
    const all = (await t.http().get('/api/v1/workflows/rules?limit=200').set(...bearer(admin)).expect(200)).body;
    const order = all.items.map((r: any) => r.id);
    expect(order.indexOf(b.id)).toBeLessThan(order.indexOf(a.id));
    const disabled = (await t.http().get('/api/v1/workflows/rules?isEnabled=false').set(...bearer(admin)).expect(200)).body;
    expect(disabled.items.every((r: any) => r.isEnabled === false)).toBe(true);
    expect(disabled.items.map((r: any) => r.id)).toContain(b.id);
    await t.http().get('/api/v1/workflows/rules?triggerType=NOPE').set(...bearer(admin)).expect(400);
    const meta = (await t.http().get('/api/v1/workflows/meta').set(...bearer(admin)).expect(200)).body;
    expect(meta.templateVariables).toContain('case.assignee.name');
    expect(meta.conditionFields.find((f: any) => f.field === 'status').ops).toEqual(['eq', 'neq', 'in', 'notIn']);
  });

  it('dry run says whether the rule matches and what each action would do, and changes nothing at all', async () => {
    const rule = await makeRule(t, admin, {
      triggerType: 'STATUS_CHANGE', triggerConfig: { toStatus: ['UNDER_REVIEW'], conditions: [{ field: 'severity', op: 'in', value: ['HIGH', 'CRITICAL'] }] },
      actions: [
        notify({ title: 'Review {{case.caseNumber}}', recipients: ['ASSIGNEE', 'ADMINS'] }),
        { actionType: 'CHANGE_STATUS', actionConfig: { status: 'IN_PROGRESS' } },
        { actionType: 'ASSIGN_USER', actionConfig: { strategy: 'ROUND_ROBIN' } },
      ],
    } as never);
    const c = await t.makeCase(admin, { severity: 'HIGH', assigneeId: investigator.id });
    await settle(t);
    const snapshot = async () => t.sql(`SELECT
      (SELECT md5(string_agg(x::text, ',' ORDER BY x::text)) FROM cases x) AS cases,
      (SELECT md5(coalesce(string_agg(x::text, ',' ORDER BY x::text), '')) FROM workflow_history x) AS history,
      (SELECT md5(coalesce(string_agg(x::text, ',' ORDER BY x::text), '')) FROM notifications x) AS notifications,
      (SELECT md5(coalesce(string_agg(x::text, ',' ORDER BY x::text), '')) FROM case_timeline x) AS timeline,
      (SELECT md5(coalesce(string_agg(x::text, ',' ORDER BY x::text), '')) FROM domain_events x) AS events,
      (SELECT md5(coalesce(string_agg(x::text, ',' ORDER BY x::text), '')) FROM workflow_round_robin x) AS rr,
      (SELECT md5(coalesce(string_agg(x::text, ',' ORDER BY x::text), '')) FROM workflow_rule_case_state x) AS state`);
    const before = await snapshot();
    const res = await t.http().post(`/api/v1/workflows/rules/${rule.id}/test`).set(...bearer(admin)).send({ caseId: c.id }).expect(200);
    expect(res.body.matched).toBe(true);
    expect(res.body.reasons.join('\n')).toMatch(/severity in \[HIGH, CRITICAL\]: true/);
    expect(res.body.actions.map((a: any) => a.actionType)).toEqual(['SEND_NOTIFICATION', 'CHANGE_STATUS', 'ASSIGN_USER']);
    expect(res.body.actions[0].wouldDo).toContain(`Review ${c.caseNumber}`);
    expect(res.body.actions[0].wouldDo).toContain(investigator.name);
    expect(res.body.actions[1].wouldDo).toBe('change status from OPEN to IN_PROGRESS');

    const low = await t.makeCase(admin, { severity: 'LOW' });
    await settle(t);
    const before2 = await snapshot();
    const miss = await t.http().post(`/api/v1/workflows/rules/${rule.id}/test`).set(...bearer(admin))
      .send({ caseId: low.id, event: { name: 'case.status_changed', fromStatus: 'OPEN', toStatus: 'UNDER_REVIEW' } }).expect(200);
    expect(miss.body.matched).toBe(false);
    expect(miss.body.reasons.join('\n')).toMatch(/severity in \[HIGH, CRITICAL\]: false \(is LOW\)/);
    expect(await snapshot()).toEqual(before2);
    expect(before2).not.toEqual(before); // the snapshot does see real changes
    await t.http().post(`/api/v1/workflows/rules/${rule.id}/test`).set(...bearer(admin)).send({ caseId: '00000000-0000-4000-8000-000000000000' }).expect(404);
    await t.http().post(`/api/v1/workflows/rules/${rule.id}/test`).set(...bearer(admin)).send({ caseId: 'nope' }).expect(400);
  });

  it('keeps a revision for every change and restores an earlier one as a new revision', async () => {
    const rule = await makeRule(t, admin, { ...base, name: 'revised', actions: [{ actionType: 'ADD_TAG', actionConfig: { tag: 'v1' } }] } as never);
    await t.http().patch(`/api/v1/workflows/rules/${rule.id}`).set(...bearer(admin)).send({ priority: 1 }).expect(200);
    await t.http().post(`/api/v1/workflows/rules/${rule.id}/toggle`).set(...bearer(admin)).expect(200);
    await t.http().patch(`/api/v1/workflows/rules/${rule.id}/actions/${rule.actions[0].id}`).set(...bearer(admin)).send({ actionConfig: { tag: 'v2' } }).expect(200);
    const revs = (await t.http().get(`/api/v1/workflows/rules/${rule.id}/revisions`).set(...bearer(admin)).expect(200)).body;
    expect(revs.items.map((r: any) => r.revision)).toEqual([4, 3, 2, 1]);
    expect(revs.items[0]).toMatchObject({ ruleId: rule.id, changedBy: admin.id });
    expect(revs.items[3].snapshot).toMatchObject({ priority: 100, isEnabled: true });
    const restored = (await t.http().post(`/api/v1/workflows/rules/${rule.id}/revisions/1/restore`).set(...bearer(admin)).expect(200)).body;
    expect(restored).toMatchObject({ priority: 100, isEnabled: true });
    expect(restored.actions.map((a: any) => a.actionConfig)).toEqual([{ tag: 'v1' }]);
    const revs2 = (await t.http().get(`/api/v1/workflows/rules/${rule.id}/revisions`).set(...bearer(admin)).expect(200)).body;
    expect(revs2.items[0].revision).toBe(5);
    await t.http().post(`/api/v1/workflows/rules/${rule.id}/revisions/99/restore`).set(...bearer(admin)).expect(404);
  });
});
