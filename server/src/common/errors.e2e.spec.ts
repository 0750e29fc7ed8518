import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { bearer, startTestApp, type TestApp, type TestUser } from '../../test/harness';

/** CONTRACT §2: every error is {statusCode, error, message}, and a client's mistake never answers 5xx. */
describe('error conventions', () => {
  let t: TestApp;
  let admin: TestUser;
  let caseId: string;

  beforeAll(async () => {
    t = await startTestApp({ env: { OUTBOX_DISPATCHER: 'off' } });
    admin = await t.makeUser({ role: 'ADMIN' });
    caseId = (await t.makeCase(admin)).id;
  });
  afterAll(() => t.close());

  const shaped = (status: number) => ({ statusCode: status, error: expect.any(String), message: expect.anything() });

  it('text holding a NUL character is a 400 on every route that stores or searches it, and changes nothing', async () => {
    const before = await t.sql('SELECT title, description, tags FROM cases ORDER BY id');
    const users = await t.sql('SELECT id FROM users');
    const requests = [
      t.http().post('/api/v1/cases').set(...bearer(admin)).send({ title: 'a\u0000b', caseType: 'AUDIT', scopeCode: 'FIN' }),
      t.http().post('/api/v1/cases').set(...bearer(admin)).send({ title: 'ok', caseType: 'AUDIT', scopeCode: 'FIN', tags: ['x\u0000'] }),
      t.http().patch(`/api/v1/cases/${caseId}`).set(...bearer(admin)).send({ description: 'x\u0000y' }),
      t.http().get('/api/v1/cases?q=%00').set(...bearer(admin)),
      t.http().post('/api/v1/users').set(...bearer(admin)).send({ email: 'nul@test.local', name: 'N\u0000', role: 'VIEWER', password: 'password123' }),
      t.http().patch(`/api/v1/users/${admin.id}`).set(...bearer(admin)).send({ name: 'A\u0000' }),
    ];
    for (const [i, res] of (await Promise.all(requests)).entries()) {
      expect({ request: i, status: res.status, body: res.body }).toEqual({ request: i, status: 400, body: shaped(400) });
    }
    expect(await t.sql('SELECT title, description, tags FROM cases ORDER BY id')).toEqual(before);
    expect(await t.sql('SELECT id FROM users')).toEqual(users);
  });

  it('malformed, oversized, wrongly encoded and non-object bodies answer 4xx in the error shape', async () => {
    const post = () => t.http().post('/api/v1/cases').set(...bearer(admin));
    const cases: Array<[Promise<{ status: number; body: unknown }>, number]> = [
      [post().set('Content-Type', 'application/json').send('{"title":'), 400],
      [post().set('Content-Type', 'application/json').send('null'), 400],
      [post().send([]), 400],
      [post().set('Content-Type', 'application/json').send(`{"title":"${'x'.repeat(2 * 1024 * 1024)}"}`), 413],
      [post().set('Content-Type', 'application/json; charset=latin2').send('{}'), 415],
      [t.http().patch(`/api/v1/cases/${caseId}`).set(...bearer(admin)).send([]), 400],
      [t.http().get('/api/v1/cases?offset=99999999999999999999').set(...bearer(admin)), 400],
      [t.http().get('/api/v1/no-such-route').set(...bearer(admin)), 404],
    ];
    for (const [request, status] of cases) {
      const res = await request;
      expect({ status: res.status, body: res.body }).toEqual({ status, body: shaped(status) });
    }
  });
});
