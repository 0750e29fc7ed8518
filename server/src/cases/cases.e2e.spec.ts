import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { bearer, startTestApp, type TestApp, type TestUser } from '../../test/harness';

describe('cases API', () => {
  let t: TestApp;
  let admin: TestUser;
  let investigator: TestUser;
  let viewer: TestUser;
  let finOnly: TestUser;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await t.makeUser({ role: 'ADMIN' });
    investigator = await t.makeUser({ role: 'INVESTIGATOR' });
    viewer = await t.makeUser({ role: 'VIEWER' });
    finOnly = await t.makeUser({ role: 'INVESTIGATOR', scopeCodes: ['FIN'] });
  });
  afterAll(() => t.close());

  it('creates a case with a scoped, yearly case number, normalised tags, OPEN status and a CREATED timeline entry', async () => {
    const res = await t.http().post('/api/v1/cases').set(...bearer(investigator))
      .send({ title: '  Vendor fraud  ', caseType: 'INVESTIGATION', scopeCode: 'FIN', tags: [' Payments', 'payments', 'VENDOR '] })
      .expect(201);
    const year = new Date().getUTCFullYear();
    expect(res.body).toMatchObject({
      title: 'Vendor fraud', status: 'OPEN', scopeCode: 'FIN', severity: 'MEDIUM', ownerId: investigator.id,
      tags: ['payments', 'vendor'], assigneeId: null, closedAt: null,
    });
    expect(res.body.caseNumber).toMatch(new RegExp(`^FIN-${year}-\\d{4,}$`));
    const timeline = await t.http().get(`/api/v1/cases/${res.body.id}/timeline`).set(...bearer(viewer)).expect(200);
    expect(timeline.body.items.map((e: { kind: string }) => e.kind)).toEqual(['CREATED']);
    expect(timeline.body.items[0].actorId).toBe(investigator.id);
  });

  it('hands out distinct case numbers under concurrent creates', async () => {
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) =>
      t.http().post('/api/v1/cases').set(...bearer(admin)).send({ title: `c${i}`, caseType: 'AUDIT', scopeCode: 'HR' })));
    const numbers = results.map((r) => { expect(r.status).toBe(201); return r.body.caseNumber as string; });
    expect(new Set(numbers).size).toBe(20);
    const seqs = numbers.map((n) => Number(n.split('-')[2])).sort((a, b) => a - b);
    expect(seqs).toEqual(Array.from({ length: 20 }, (_, i) => seqs[0] + i));
  });

  it('rejects bad input with 400 and changes nothing', async () => {
    const before = await t.sql<{ n: string }>('SELECT count(*) AS n FROM cases');
    const bad: Array<Record<string, unknown>> = [
      { title: 'x', caseType: 'AUDIT', scopeCode: 'FIN', unknownField: 1 },
      { title: 'x', caseType: 'NOPE', scopeCode: 'FIN' },
      { title: 'x', caseType: 'AUDIT', scopeCode: 'fin' },
      { title: '', caseType: 'AUDIT', scopeCode: 'FIN' },
      { title: 'x', caseType: 'AUDIT', scopeCode: 'FIN', assigneeId: 'not-a-uuid' },
      { title: 'x', caseType: 'AUDIT', scopeCode: 'FIN', tags: ['x'.repeat(51)] },
      { title: 'x', caseType: 'AUDIT', scopeCode: 'FIN', dueDate: 'tomorrow' },
      { title: 'x', caseType: 'AUDIT', scopeCode: 'FIN', assigneeId: '00000000-0000-4000-8000-000000000000' },
      { title: null, caseType: 'AUDIT', scopeCode: 'FIN' },
      { title: 'x', caseType: 'AUDIT', scopeCode: 'FIN', tags: null },
      { title: 'x', caseType: 'AUDIT', scopeCode: 'FIN', description: null },
    ];
    for (const body of bad) {
      const res = await t.http().post('/api/v1/cases').set(...bearer(admin)).send(body);
      expect({ body, status: res.status }).toEqual({ body, status: 400 });
      expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    }
    const plain = await t.http().post('/api/v1/cases').set(...bearer(admin)).set('Content-Type', 'text/plain').send('title=x');
    expect(plain.status).toBe(415);
    const form = await t.http().post('/api/v1/cases').set(...bearer(admin)).type('form').send({ title: 'x', caseType: 'AUDIT', scopeCode: 'FIN' });
    expect(form.status).toBe(415);
    const malformed = await t.http().post('/api/v1/cases').set(...bearer(admin)).set('Content-Type', 'application/json').send('{"title":');
    expect(malformed.status).toBe(400);
    const after = await t.sql<{ n: string }>('SELECT count(*) AS n FROM cases');
    expect(after).toEqual(before);

    // PATCH: null clears only assigneeId and dueDate; for the other fields it is a 400 naming the field (it was a 500).
    const existing = await t.makeCase(admin);
    const snapshot = await t.sql('SELECT * FROM cases WHERE id = $1', [existing.id]);
    for (const field of ['title', 'description', 'status', 'severity', 'tags']) {
      const res = await t.http().patch(`/api/v1/cases/${existing.id}`).set(...bearer(admin)).send({ [field]: null });
      expect({ field, status: res.status }).toEqual({ field, status: 400 });
      expect(([] as string[]).concat(res.body.message).join('\n')).toContain(field);
    }
    expect(await t.sql('SELECT * FROM cases WHERE id = $1', [existing.id])).toEqual(snapshot);
  });

  it('enforces roles: VIEWER reads but never writes; anonymous gets 401', async () => {
    const c = await t.makeCase(admin);
    await t.http().get(`/api/v1/cases/${c.id}`).set(...bearer(viewer)).expect(200);
    await t.http().patch(`/api/v1/cases/${c.id}`).set(...bearer(viewer)).send({ title: 'nope' }).expect(403);
    await t.http().post('/api/v1/cases').set(...bearer(viewer)).send({ title: 'x', caseType: 'AUDIT', scopeCode: 'FIN' }).expect(403);
    await t.http().get(`/api/v1/cases/${c.id}`).expect(401);
    await t.http().get(`/api/v1/cases/${c.id}`).set('Authorization', 'Bearer garbage').expect(401);
  });

  it('hides cases outside a user\'s scopes: 404 on every route, absent from lists, 403 to create there', async () => {
    const hr = await t.makeCase(admin, { scopeCode: 'HR' });
    const fin = await t.makeCase(admin, { scopeCode: 'FIN' });
    await t.http().get(`/api/v1/cases/${hr.id}`).set(...bearer(finOnly)).expect(404);
    await t.http().get(`/api/v1/cases/${hr.id}/timeline`).set(...bearer(finOnly)).expect(404);
    await t.http().get(`/api/v1/cases/${hr.id}/evidence`).set(...bearer(finOnly)).expect(404);
    await t.http().patch(`/api/v1/cases/${hr.id}`).set(...bearer(finOnly)).send({ title: 'x' }).expect(404);
    await t.http().get(`/api/v1/cases/${fin.id}`).set(...bearer(finOnly)).expect(200);
    const list = await t.http().get('/api/v1/cases?limit=200').set(...bearer(finOnly)).expect(200);
    expect(list.body.items.every((c: { scopeCode: string }) => c.scopeCode === 'FIN')).toBe(true);
    await t.http().post('/api/v1/cases').set(...bearer(finOnly)).send({ title: 'x', caseType: 'AUDIT', scopeCode: 'HR' }).expect(403);
  });

  it('patches status, assignee and tags, recording each change with its actor in the timeline', async () => {
    const c = await t.makeCase(admin, { tags: ['a'] });
    const res = await t.http().patch(`/api/v1/cases/${c.id}`).set(...bearer(investigator))
      .send({ status: 'CLOSED', assigneeId: investigator.id, tags: ['A', 'b'], severity: 'HIGH' }).expect(200);
    expect(res.body).toMatchObject({ status: 'CLOSED', assigneeId: investigator.id, tags: ['a', 'b'], severity: 'HIGH' });
    expect(res.body.closedAt).not.toBeNull();
    const timeline = await t.http().get(`/api/v1/cases/${c.id}/timeline`).set(...bearer(admin)).expect(200);
    const kinds = timeline.body.items.map((e: { kind: string }) => e.kind);
    expect(kinds).toEqual(['CREATED', 'STATUS_CHANGE', 'ASSIGNMENT', 'TAG', 'COMMENT']);
    expect(timeline.body.items.slice(1).every((e: { actorId: string }) => e.actorId === investigator.id)).toBe(true);
    const events = await t.sql<{ name: string }>('SELECT name FROM domain_events WHERE case_id = $1 ORDER BY seq', [c.id]);
    expect(events.map((e) => e.name)).toEqual(['case.created', 'case.status_changed', 'case.assigned', 'case.tagged', 'case.updated']);
  });

  it('filters, searches and paginates the list with a total', async () => {
    const tag = `tag${Date.now()}`;
    for (let i = 0; i < 5; i++) await t.makeCase(admin, { scopeCode: 'OPS', tags: [tag], title: `Inventory check ${i}` });
    const page1 = await t.http().get(`/api/v1/cases?tag=${tag}&limit=2&offset=0`).set(...bearer(admin)).expect(200);
    const page3 = await t.http().get(`/api/v1/cases?tag=${tag}&limit=2&offset=4`).set(...bearer(admin)).expect(200);
    expect(page1.body.total).toBe(5);
    expect(page1.body.items).toHaveLength(2);
    expect(page3.body.items).toHaveLength(1);
    expect(page1.body.items[0].title).toBe('Inventory check 4');
    const q = await t.http().get(`/api/v1/cases?q=inventory check 3`).set(...bearer(admin)).expect(200);
    expect(q.body.items.map((c: { title: string }) => c.title)).toEqual(['Inventory check 3']);
    await t.http().get('/api/v1/cases?limit=500').set(...bearer(admin)).expect(400);
    await t.http().get('/api/v1/cases?status=WRONG').set(...bearer(admin)).expect(400);
    await t.http().get('/api/v1/cases?bogus=1').set(...bearer(admin)).expect(400);
  });

  it('answers 404 for an unknown case and 400 for a malformed id', async () => {
    await t.http().get('/api/v1/cases/00000000-0000-4000-8000-000000000000').set(...bearer(admin)).expect(404);
    await t.http().get('/api/v1/cases/abc').set(...bearer(admin)).expect(400);
  });
});
