import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { bearer, startTestApp, type TestApp, type TestUser, databaseDigest } from '../../../test/harness';
import { makeRule, settle } from '../../../test/workflow-fixtures';

describe('POST /workflows/rules/test (dry run of an unsaved rule)', () => {
  let t: TestApp;
  let admin: TestUser;
  let investigator: TestUser;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await t.makeUser({ role: 'ADMIN' });
    investigator = await t.makeUser({ role: 'INVESTIGATOR' });
  });
  afterAll(() => t.close());

  const draft = (extra: Record<string, unknown> = {}) => ({
    name: 'Draft review alert',
    triggerType: 'STATUS_CHANGE',
    triggerConfig: { toStatus: ['UNDER_REVIEW'], conditions: [{ field: 'severity', op: 'in', value: ['HIGH', 'CRITICAL'] }] },
    actions: [
      { actionType: 'SEND_NOTIFICATION', actionConfig: { recipients: ['ASSIGNEE', 'ADMINS'], title: 'Review {{case.caseNumber}}', message: 'Please look' } },
      { actionType: 'CHANGE_STATUS', actionConfig: { status: 'IN_PROGRESS' } },
    ],
    ...extra,
  });

  it('answers exactly what the saved rule\'s dry run answers, and writes nothing anywhere', async () => {
    const c = await t.makeCase(admin, { severity: 'HIGH', assigneeId: investigator.id });
    const low = await t.makeCase(admin, { severity: 'LOW' });
    await settle(t);
    const before = await databaseDigest(t);
    const res = await t.http().post('/api/v1/workflows/rules/test').set(...bearer(admin)).send({ rule: draft(), caseId: c.id }).expect(200);
    const miss = await t.http().post('/api/v1/workflows/rules/test').set(...bearer(admin))
      .send({ rule: draft(), caseId: low.id, event: { name: 'case.status_changed', fromStatus: 'OPEN', toStatus: 'UNDER_REVIEW' } }).expect(200);
    expect(await databaseDigest(t)).toEqual(before);

    expect(res.body.matched).toBe(true);
    expect(res.body.actions.map((a: any) => a.actionType)).toEqual(['SEND_NOTIFICATION', 'CHANGE_STATUS']);
    expect(res.body.actions[0].wouldDo).toContain(`Review ${c.caseNumber}`);
    expect(res.body.actions[0].wouldDo).toContain(investigator.name);
    expect(miss.body.matched).toBe(false);
    expect(miss.body.reasons.join('\n')).toMatch(/severity in \[HIGH, CRITICAL\]: false \(is LOW\)/);

    // The same body saved and dry-run by id gives the same answer.
    const saved = await makeRule(t, admin, draft({ name: 'Saved twin' }) as never);
    const twin = await t.http().post(`/api/v1/workflows/rules/${saved.id}/test`).set(...bearer(admin)).send({ caseId: c.id }).expect(200);
    expect(twin.body).toEqual(res.body);
  });

  it('validates the body as POST /rules does (400 naming the problem) and answers 404 for an unknown case', async () => {
    const c = await t.makeCase(admin, {});
    const post = (body: Record<string, unknown>) => t.http().post('/api/v1/workflows/rules/test').set(...bearer(admin)).send(body);
    const bad = await post({ rule: draft({ triggerConfig: { toStatus: ['NOPE'] } }), caseId: c.id }).expect(400);
    expect(JSON.stringify(bad.body.message)).toContain('triggerConfig');
    const badTemplate = await post({
      rule: draft({ actions: [{ actionType: 'CREATE_TIMELINE', actionConfig: { message: '{{case.secret}}' } }] }), caseId: c.id,
    }).expect(400);
    expect(JSON.stringify(badTemplate.body.message)).toContain('case.secret');
    const ghost = await post({
      rule: draft({ actions: [{ actionType: 'ASSIGN_USER', actionConfig: { userId: '00000000-0000-4000-8000-000000000001' } }] }), caseId: c.id,
    }).expect(400);
    expect(JSON.stringify(ghost.body.message)).toContain('no user with id');
    await post({ rule: draft({ extra: 1 }), caseId: c.id }).expect(400);
    await post({ rule: { triggerType: 'EVENT', triggerConfig: { event: 'case.created' } }, caseId: c.id }).expect(400); // no name
    await post({ caseId: c.id }).expect(400);
    await post({ rule: draft(), caseId: 'nope' }).expect(400);
    await post({ rule: draft(), caseId: '00000000-0000-4000-8000-000000000000' }).expect(404);
    // A name already taken is no problem for a draft: nothing is saved.
    await makeRule(t, admin, draft({ name: 'Taken name' }) as never);
    await post({ rule: draft({ name: 'Taken name' }), caseId: c.id }).expect(200);
  });

  it('explains a TIME_BASED draft against the case as it is now', async () => {
    const c = await t.makeCase(admin, { severity: 'CRITICAL' });
    const res = await t.http().post('/api/v1/workflows/rules/test').set(...bearer(admin)).send({
      caseId: c.id,
      rule: { name: 'tick', triggerType: 'TIME_BASED', triggerConfig: { cron: '0 8 * * *', conditions: [{ field: 'severity', op: 'eq', value: 'CRITICAL' }] },
        actions: [{ actionType: 'ADD_TAG', actionConfig: { tag: 'hot' } }] },
    }).expect(200);
    expect(res.body.matched).toBe(true);
    expect(res.body.actions).toEqual([{ actionType: 'ADD_TAG', wouldDo: expect.stringContaining('hot') }]);
  });
});
