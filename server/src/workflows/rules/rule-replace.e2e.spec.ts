import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { bearer, startTestApp, type TestApp, type TestUser } from '../../../test/harness';
import { settle } from '../../../test/workflow-fixtures';

const body = (name: string, extra: Record<string, unknown> = {}) => ({
  name, triggerType: 'STATUS_CHANGE', triggerConfig: { toStatus: ['UNDER_REVIEW'] }, scopeCodes: ['NOPE'],
  actions: [
    { actionType: 'ADD_TAG', actionConfig: { tag: 'One' } },
    { actionType: 'CREATE_TIMELINE', actionConfig: { message: 'two' } },
  ],
  ...extra,
});

describe('PUT /workflows/rules/:id (atomic save)', () => {
  let t: TestApp;
  let admin: TestUser;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await t.makeUser({ role: 'ADMIN' });
  });
  afterAll(() => t.close());

  const create = async (name: string) => {
    const res = await t.http().post('/api/v1/workflows/rules').set(...bearer(admin)).send(body(name)).expect(201);
    return { rule: res.body, etag: res.headers.etag as string };
  };
  const revisions = async (id: string) => (await t.sql<any>('SELECT revision, change FROM workflow_rule_revisions WHERE rule_id = $1 ORDER BY revision', [id]));
  const stored = async (id: string) => (await t.http().get(`/api/v1/workflows/rules/${id}`).set(...bearer(admin)).expect(200));

  it('replaces the rule and all its actions in one revision, and answers the new ETag', async () => {
    const { rule, etag } = await create('put replaces');
    expect(etag).toBe('"1"');
    const res = await t.http().put(`/api/v1/workflows/rules/${rule.id}`).set(...bearer(admin)).set('If-Match', etag).send(body('put replaces', {
      description: 'edited', triggerType: 'EVENT', triggerConfig: { event: 'case.created' }, cooldownSeconds: 0,
      actions: [{ actionType: 'SEND_NOTIFICATION', actionConfig: { recipients: ['OWNER'], title: 'New', message: '{{case.title}}' } }],
    })).expect(200);
    expect(res.headers.etag).toBe('"2"');
    expect(res.body).toMatchObject({ id: rule.id, description: 'edited', triggerType: 'EVENT', triggerConfig: { event: 'case.created' }, cooldownSeconds: 0 });
    expect(res.body.actions.map((a: any) => [a.actionType, a.sequence])).toEqual([['SEND_NOTIFICATION', 0]]);
    expect(res.body.actions[0].id).toBe(rule.actions[0].id); // the first action keeps its id: revision diffs show the change, not a new id
    expect(res.body.actions[0].actionConfig).toEqual({ recipients: ['OWNER'], title: 'New', message: '{{case.title}}', priority: 'NORMAL' });
    expect(await revisions(rule.id)).toEqual([{ revision: 1, change: 'CREATED' }, { revision: 2, change: 'REPLACED' }]);
    const again = await stored(rule.id);
    expect(again.body).toEqual(res.body);
    expect(again.headers.etag).toBe('"2"');
  });

  it('refuses a stale If-Match with 412 in the error shape and changes nothing', async () => {
    const { rule, etag } = await create('put stale');
    await t.http().patch(`/api/v1/workflows/rules/${rule.id}`).set(...bearer(admin)).send({ description: 'someone else' }).expect(200);
    const res = await t.http().put(`/api/v1/workflows/rules/${rule.id}`).set(...bearer(admin)).set('If-Match', etag)
      .send(body('put stale', { actions: [] })).expect(412);
    expect(res.body).toMatchObject({ statusCode: 412, error: 'Precondition Failed' });
    expect(String(res.body.message)).toMatch(/changed by someone else/);
    const now = await stored(rule.id);
    expect(now.body.description).toBe('someone else');
    expect(now.body.actions).toHaveLength(2);
    expect(now.headers.etag).toBe('"2"');
    expect((await revisions(rule.id)).map((r: any) => r.change)).toEqual(['CREATED', 'UPDATED']);
  });

  it('without If-Match the last write wins', async () => {
    const { rule } = await create('put no precondition');
    await t.http().patch(`/api/v1/workflows/rules/${rule.id}`).set(...bearer(admin)).send({ priority: 7 }).expect(200);
    const res = await t.http().put(`/api/v1/workflows/rules/${rule.id}`).set(...bearer(admin)).send(body('put no precondition', { actions: [] })).expect(200);
    expect(res.body).toMatchObject({ priority: 100, actions: [] });
  });

  it('400 on an invalid action, 409 on a taken name, 404 on an unknown rule: nothing changes', async () => {
    const { rule, etag } = await create('put invalid');
    const other = await create('put taken');
    const before = (await stored(rule.id)).body;
    const bad = await t.http().put(`/api/v1/workflows/rules/${rule.id}`).set(...bearer(admin)).set('If-Match', etag)
      .send(body('put invalid', { actions: [{ actionType: 'ADD_TAG', actionConfig: { tag: 'ok' } }, { actionType: 'CHANGE_STATUS', actionConfig: { status: 'NOPE' } }] }))
      .expect(400);
    expect(bad.body.message).toEqual([expect.stringMatching(/^actions\[1\]\.actionConfig\.status: must be one of/)]);
    await t.http().put(`/api/v1/workflows/rules/${rule.id}`).set(...bearer(admin)).send({ ...body('put invalid'), surprise: 1 }).expect(400);
    await t.http().put(`/api/v1/workflows/rules/${rule.id}`).set(...bearer(admin)).send(body('put invalid', { actions: undefined })).expect(400);
    await t.http().put(`/api/v1/workflows/rules/${rule.id}`).set(...bearer(admin)).set('If-Match', etag).send(body(other.rule.name, { actions: [] })).expect(409);
    expect((await stored(rule.id)).body).toEqual(before);
    expect((await revisions(rule.id)).map((r: any) => r.change)).toEqual(['CREATED']);
    await t.http().put('/api/v1/workflows/rules/00000000-0000-4000-8000-000000000000').set(...bearer(admin)).send(body('put ghost')).expect(404);
  });

  it('the engine runs the replaced rule from the next event on (rule set reloaded after commit)', async () => {
    const scope = `PUT${Date.now().toString(36).toUpperCase().slice(-5)}`;
    const created = await t.http().post('/api/v1/workflows/rules').set(...bearer(admin)).send({
      name: 'put reload', triggerType: 'EVENT', triggerConfig: { event: 'case.created' }, scopeCodes: [scope],
      actions: [{ actionType: 'ADD_TAG', actionConfig: { tag: 'before-put' } }],
    }).expect(201);
    await t.http().put(`/api/v1/workflows/rules/${created.body.id}`).set(...bearer(admin)).set('If-Match', created.headers.etag).send({
      name: 'put reload', triggerType: 'EVENT', triggerConfig: { event: 'case.created' }, scopeCodes: [scope],
      actions: [{ actionType: 'ADD_TAG', actionConfig: { tag: 'after-put' } }],
    }).expect(200);
    const c = await t.makeCase(admin, { scopeCode: scope });
    await settle(t);
    const after = await t.http().get(`/api/v1/cases/${c.id}`).set(...bearer(admin)).expect(200);
    expect(after.body.tags).toEqual(['after-put']);
  });
});
