import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { bearer, startTestApp, type TestApp, type TestUser } from '../../test/harness';

const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';

describe('users API', () => {
  let t: TestApp;
  let admin: TestUser;
  let investigator: TestUser;
  let viewer: TestUser;
  let n = 0;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await t.makeUser({ role: 'ADMIN' });
    investigator = await t.makeUser({ role: 'INVESTIGATOR' });
    viewer = await t.makeUser({ role: 'VIEWER' });
  });
  afterAll(() => t.close());

  const uniqueEmail = () => `person${++n}-${Date.now()}@test.local`;
  const userCount = async () => Number((await t.sql<{ n: string }>('SELECT count(*) AS n FROM users'))[0].n);

  it('an ADMIN creates a user (201, the contract shape, no password) who can then log in', async () => {
    const email = uniqueEmail();
    const res = await t.http().post('/api/v1/users').set(...bearer(admin))
      .send({ email: `  ${email} `, name: ' Dana Investigator ', role: 'INVESTIGATOR', password: 'correct horse staple', scopeCodes: ['FIN', 'HR', 'FIN'] })
      .expect(201);
    expect(res.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/), email, name: 'Dana Investigator', role: 'INVESTIGATOR', isActive: true,
      scopeCodes: ['FIN', 'HR'], createdAt: expect.any(String), mustChangePassword: false, lastLoginAt: null, authProvider: 'LOCAL',
    });
    expect(Math.abs(Date.parse(res.body.createdAt) - Date.now())).toBeLessThan(60_000);
    const login = await t.http().post('/api/v1/auth/login').send({ email, password: 'correct horse staple' }).expect(200);
    expect(login.body.user.id).toBe(res.body.id);
  });

  it('only an ADMIN may create users: INVESTIGATOR and VIEWER get 403, anonymous 401, and nothing is created', async () => {
    const before = await userCount();
    const body = { email: uniqueEmail(), name: 'X', role: 'VIEWER', password: 'long password 123' };
    await t.http().post('/api/v1/users').set(...bearer(investigator)).send(body).expect(403);
    await t.http().post('/api/v1/users').set(...bearer(viewer)).send(body).expect(403);
    await t.http().post('/api/v1/users').send(body).expect(401);
    expect(await userCount()).toBe(before);
  });

  it('a duplicate email answers 409, whatever its case', async () => {
    const email = uniqueEmail();
    await t.http().post('/api/v1/users').set(...bearer(admin)).send({ email, name: 'First', role: 'VIEWER', password: 'long password 123' }).expect(201);
    const dup = await t.http().post('/api/v1/users').set(...bearer(admin))
      .send({ email: email.toUpperCase(), name: 'Second', role: 'ADMIN', password: 'long password 123' }).expect(409);
    expect(dup.body).toMatchObject({ statusCode: 409, error: 'Conflict' });
    const rows = await t.sql('SELECT id FROM users WHERE lower(email) = lower($1)', [email]);
    expect(rows).toHaveLength(1);
  });

  it('concurrent creates with the same email: one 201, the rest 409', async () => {
    const email = uniqueEmail();
    const results = await Promise.all(Array.from({ length: 4 }, (_, i) =>
      t.http().post('/api/v1/users').set(...bearer(admin))
        .send({ email: i % 2 ? email.toUpperCase() : email, name: `Racer ${i}`, role: 'VIEWER', password: 'long password 123' })));
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409, 409]);
  });

  it('rejects invalid input with 400 naming the problem, and creates nothing', async () => {
    const before = await userCount();
    const valid = { email: uniqueEmail(), name: 'Valid', role: 'VIEWER', password: 'long password 123' };
    const bad: Array<[Record<string, unknown>, RegExp]> = [
      [{ ...valid, isAdmin: true }, /isAdmin/],
      [{ ...valid, passwordHash: 'scrypt$1$1$1$a$b' }, /passwordHash/],
      [{ ...valid, role: 'SUPERUSER' }, /role/],
      [{ ...valid, role: 'admin' }, /role/],
      [{ ...valid, email: 'not-an-email' }, /email/],
      // A lone surrogate made validator.js's isEmail throw (URIError): a 500 before.
      [{ ...valid, email: '\ud800@example.com' }, /email/],
      [{ ...valid, email: '\ud800' }, /email/],
      [{ ...valid, email: undefined }, /email/],
      [{ ...valid, password: 'short' }, /password must be at least 12 characters/],
      [{ ...valid, password: 'x'.repeat(129) }, /password must be at most 128 characters/],
      [{ ...valid, password: 'qwertyuiop123' }, /commonly used passwords/],
      [{ ...valid, password: valid.email.toUpperCase() }, /must not be the e-mail/],
      [{ ...valid, password: 12345678 }, /password/],
      [{ ...valid, name: '' }, /name/],
      [{ ...valid, name: '   ' }, /name/],
      [{ ...valid, scopeCodes: ['fin'] }, /scopeCodes/],
      [{ ...valid, scopeCodes: ['F'] }, /scopeCodes/],
      [{ ...valid, scopeCodes: 'FIN' }, /scopeCodes/],
      [{ ...valid, scopeCodes: [42] }, /scopeCodes/],
    ];
    for (const [body, naming] of bad) {
      const res = await t.http().post('/api/v1/users').set(...bearer(admin)).send(body);
      expect({ body, status: res.status }).toEqual({ body, status: 400 });
      expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
      expect([res.body.message].flat().join('; ')).toMatch(naming);
    }
    expect(await userCount()).toBe(before);
  });

  it('PATCH changes name, role, isActive and scopeCodes, and validates them', async () => {
    const user = await t.makeUser({ role: 'VIEWER' });
    const patch = (body: Record<string, unknown>) => t.http().patch(`/api/v1/users/${user.id}`).set(...bearer(admin)).send(body);

    const res = await patch({ name: '  New Name ', role: 'INVESTIGATOR', scopeCodes: ['OPS'] }).expect(200);
    expect(res.body).toMatchObject({ id: user.id, email: user.email, name: 'New Name', role: 'INVESTIGATOR', isActive: true, scopeCodes: ['OPS'] });
    expect((await patch({ isActive: false }).expect(200)).body.isActive).toBe(false);
    expect((await patch({ isActive: true, scopeCodes: [] }).expect(200)).body).toMatchObject({ isActive: true, scopeCodes: [] });

    // null is not "leave it as it is": none of these fields may be empty (it reached NOT NULL columns as a 500).
    for (const body of [{ role: 'BOSS' }, { isActive: 'no' }, { scopeCodes: ['lower'] }, { name: '' }, { email: 'x@y.io' }, { password: 'newpassword' },
      { name: null }, { role: null }, { isActive: null }, { scopeCodes: null }]) {
      const bad = await patch(body);
      expect({ body, status: bad.status }).toEqual({ body, status: 400 });
    }
    // Stored as last set, and the new role and scopes apply to the user's own token.
    const me = await t.http().get('/api/v1/auth/me').set(...bearer(user)).expect(200);
    expect(me.body).toMatchObject({ name: 'New Name', role: 'INVESTIGATOR', scopeCodes: [], isActive: true, email: user.email });
  });

  it('scopeCodes on PATCH take effect on what the user sees', async () => {
    const user = await t.makeUser({ role: 'INVESTIGATOR' });
    const hr = await t.makeCase(admin, { scopeCode: 'HR' });
    await t.http().get(`/api/v1/cases/${hr.id}`).set(...bearer(user)).expect(200);
    await t.http().patch(`/api/v1/users/${user.id}`).set(...bearer(admin)).send({ scopeCodes: ['FIN'] }).expect(200);
    await t.http().get(`/api/v1/cases/${hr.id}`).set(...bearer(user)).expect(404);
  });

  it('only an ADMIN may PATCH users', async () => {
    await t.http().patch(`/api/v1/users/${viewer.id}`).set(...bearer(investigator)).send({ role: 'ADMIN' }).expect(403);
    await t.http().patch(`/api/v1/users/${viewer.id}`).set(...bearer(viewer)).send({ role: 'ADMIN' }).expect(403);
    await t.http().patch(`/api/v1/users/${viewer.id}`).send({ role: 'ADMIN' }).expect(401);
    const [row] = await t.sql<{ role: string }>('SELECT role FROM users WHERE id = $1', [viewer.id]);
    expect(row.role).toBe('VIEWER');
  });

  it('answers 404 for an unknown id and 400 for a malformed one', async () => {
    const unknown = await t.http().patch(`/api/v1/users/${UNKNOWN_ID}`).set(...bearer(admin)).send({ name: 'x' }).expect(404);
    expect(unknown.body).toMatchObject({ statusCode: 404, error: 'Not Found' });
    await t.http().patch('/api/v1/users/not-a-uuid').set(...bearer(admin)).send({ name: 'x' }).expect(400);
  });

  it('GET /users answers any signed-in role with {items, total}, newest first, paginated', async () => {
    const activeCount = async () => Number((await t.sql<{ n: string }>('SELECT count(*) AS n FROM users WHERE is_active'))[0].n);
    await t.makeUser({ role: 'VIEWER', isActive: false });
    const admins = await t.http().get('/api/v1/users').set(...bearer(admin)).expect(200);
    expect(Object.keys(admins.body).sort()).toEqual(['items', 'total']);
    expect(admins.body.total).toBe(await userCount());
    for (const who of [investigator, viewer]) {
      const res = await t.http().get('/api/v1/users').set(...bearer(who)).expect(200);
      expect(Object.keys(res.body).sort()).toEqual(['items', 'total']);
      expect(res.body.total).toBe(await activeCount());
    }
    await t.http().get('/api/v1/users').expect(401);

    const total = await userCount();
    const page1 = await t.http().get('/api/v1/users?limit=2&offset=0').set(...bearer(admin)).expect(200);
    const page2 = await t.http().get('/api/v1/users?limit=2&offset=2').set(...bearer(admin)).expect(200);
    const all = await t.http().get('/api/v1/users?limit=200').set(...bearer(admin)).expect(200);
    expect(page1.body.items).toHaveLength(2);
    expect(page1.body.total).toBe(total);
    expect(all.body.items).toHaveLength(total);
    expect([...page1.body.items, ...page2.body.items].map((u: { id: string }) => u.id)).toEqual(all.body.items.slice(0, 4).map((u: { id: string }) => u.id));
    const created = all.body.items.map((u: { createdAt: string }) => Date.parse(u.createdAt));
    expect(created).toEqual([...created].sort((a, b) => b - a));
    for (const u of all.body.items) {
      expect(Object.keys(u).sort()).toEqual(['authProvider', 'createdAt', 'email', 'id', 'isActive', 'lastLoginAt', 'mustChangePassword', 'name', 'role', 'scopeCodes']);
    }

    for (const q of ['limit=0', 'limit=201', 'offset=-1', 'limit=abc', 'bogus=1', 'role=BOSS', 'isActive=maybe']) {
      const res = await t.http().get(`/api/v1/users?${q}`).set(...bearer(admin));
      expect({ q, status: res.status }).toEqual({ q, status: 400 });
    }
  });

  it('non-admins get {id, name, role} of active users only: no e-mails, no deactivated users', async () => {
    const gone = await t.makeUser({ role: 'INVESTIGATOR', isActive: false });
    const res = await t.http().get('/api/v1/users?limit=200').set(...bearer(viewer)).expect(200);
    for (const u of res.body.items) expect(Object.keys(u).sort()).toEqual(['id', 'name', 'role']);
    expect(JSON.stringify(res.body)).not.toContain('@');
    const ids = res.body.items.map((u: { id: string }) => u.id);
    expect(ids).toContain(admin.id);
    expect(ids).not.toContain(gone.id);
    // The admin filters do not reach past that: isActive=false still lists active users only.
    const filtered = await t.http().get('/api/v1/users?isActive=false&limit=200').set(...bearer(investigator)).expect(200);
    expect(filtered.body.items.map((u: { id: string }) => u.id)).not.toContain(gone.id);
  });

  it('admins filter by q (name or e-mail contains, case-insensitive, wildcards literal), role and isActive', async () => {
    const tag = `zq${Date.now()}`;
    const a = await t.makeUser({ role: 'VIEWER', name: `Quinn ${tag}` });
    const b = await t.makeUser({ role: 'INVESTIGATOR', email: `${tag}-b@test.local` });
    const c = await t.makeUser({ role: 'VIEWER', email: `${tag}-c@test.local`, isActive: false });
    const ids = async (query: string) => ((await t.http().get(`/api/v1/users?${query}`).set(...bearer(admin)).expect(200)).body.items as Array<{ id: string }>).map((u) => u.id).sort();
    expect(await ids(`q=${tag.toUpperCase()}`)).toEqual([a.id, b.id, c.id].sort());
    expect(await ids(`q=${tag}&role=VIEWER`)).toEqual([a.id, c.id].sort());
    expect(await ids(`q=${tag}&isActive=false`)).toEqual([c.id]);
    expect(await ids(`q=${tag}&isActive=true&role=INVESTIGATOR`)).toEqual([b.id]);
    expect(await ids('q=%25')).toEqual([]);
    const counted = await t.http().get(`/api/v1/users?q=${tag}&limit=1`).set(...bearer(admin)).expect(200);
    expect(counted.body).toMatchObject({ total: 3 });
    expect(counted.body.items).toHaveLength(1);
  });
});

describe('the first admin from ADMIN_EMAIL / ADMIN_PASSWORD', () => {
  it('is created on an empty database, can log in, and is not re-created or duplicated by later starts', async () => {
    const first = await startTestApp({ env: { ADMIN_EMAIL: 'Boss@Example.com', ADMIN_PASSWORD: 'first-admin-pw', OUTBOX_DISPATCHER: 'off' } });
    try {
      const login = await first.http().post('/api/v1/auth/login').send({ email: 'boss@example.com', password: 'first-admin-pw' }).expect(200);
      expect(login.body.user).toMatchObject({ email: 'boss@example.com', role: 'ADMIN', isActive: true, scopeCodes: [] });

      const second = await startTestApp({
        databaseUrl: first.databaseUrl, env: { ADMIN_EMAIL: 'other@example.com', ADMIN_PASSWORD: 'other-admin-pw', OUTBOX_DISPATCHER: 'off' },
      });
      try {
        await second.http().post('/api/v1/auth/login').send({ email: 'other@example.com', password: 'other-admin-pw' }).expect(401);
      } finally {
        await second.close();
      }
      expect(await first.sql('SELECT email, role FROM users')).toEqual([{ email: 'boss@example.com', role: 'ADMIN' }]);
    } finally {
      await first.close();
    }
  });
});
