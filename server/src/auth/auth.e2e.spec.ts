import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { JwtService } from '@nestjs/jwt';
import { randomUUID } from 'node:crypto';
import { bearer, startTestApp, type TestApp, type TestUser } from '../../test/harness';

const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';

function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** Anything in a user response that looks like a stored credential. */
function leaksSecret(body: unknown): boolean {
  // Any key about a password (but the contract's mustChangePassword flag), or a stored hash anywhere.
  const text = JSON.stringify(body).replace(/"mustChangePassword":/g, '');
  return /password|scrypt\$/i.test(text);
}

describe('auth', () => {
  let t: TestApp;
  let admin: TestUser;
  let jwtSecret: string;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await t.makeUser({ role: 'ADMIN' });
    jwtSecret = t.server.config.jwtSecret;
  });
  afterAll(() => t.close());

  const login = (email: string, password: string) => t.http().post('/api/v1/auth/login').send({ email, password });

  it('logs in with {accessToken, user}; the token works and no password hash is ever returned', async () => {
    const user = await t.makeUser({ role: 'INVESTIGATOR', scopeCodes: ['FIN'] });
    const res = await login(user.email, user.password).expect(200);
    expect(Object.keys(res.body).sort()).toEqual(['accessToken', 'user']);
    expect(res.body.user).toEqual({
      id: user.id, email: user.email, name: user.name, role: 'INVESTIGATOR', isActive: true, scopeCodes: ['FIN'],
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      mustChangePassword: false, lastLoginAt: expect.stringMatching(/^\d{4}-/), authProvider: 'LOCAL',
    });
    expect(leaksSecret(res.body)).toBe(false);

    const me = await t.http().get('/api/v1/auth/me').set('Authorization', `Bearer ${res.body.accessToken}`).expect(200);
    expect(me.body).toEqual(res.body.user);
    expect(leaksSecret(me.body)).toBe(false);

    // Every other route that answers a user.
    const list = await t.http().get('/api/v1/users?limit=200').set(...bearer(admin)).expect(200);
    expect(leaksSecret(list.body)).toBe(false);
    const patched = await t.http().patch(`/api/v1/users/${user.id}`).set(...bearer(admin)).send({ name: 'Renamed' }).expect(200);
    expect(leaksSecret(patched.body)).toBe(false);
    const created = await t.http().post('/api/v1/users').set(...bearer(admin))
      .send({ email: `new-${Date.now()}@test.local`, name: 'New', role: 'VIEWER', password: 'long enough password' }).expect(201);
    expect(leaksSecret(created.body)).toBe(false);
  });

  it('accepts the email in any case and with surrounding spaces', async () => {
    const user = await t.makeUser();
    const res = await login(`  ${user.email.toUpperCase()} `, user.password).expect(200);
    expect(res.body.user.id).toBe(user.id);
  });

  it('answers 401 with the same message for a wrong password and an unknown email', async () => {
    const user = await t.makeUser();
    const wrong = await login(user.email, user.password + 'x').expect(401);
    const unknown = await login(`nobody-${Date.now()}@test.local`, 'whatever-password').expect(401);
    expect(wrong.body).toEqual({ statusCode: 401, error: 'Unauthorized', message: expect.any(String) });
    expect(unknown.body).toEqual(wrong.body);
    expect(wrong.body.accessToken).toBeUndefined();
  });

  it('rejects malformed login bodies with 400', async () => {
    await t.http().post('/api/v1/auth/login').send({ email: admin.email }).expect(400);
    await t.http().post('/api/v1/auth/login').send({ email: admin.email, password: admin.password, extra: 1 }).expect(400);
    await t.http().post('/api/v1/auth/login').send({ email: 42, password: admin.password }).expect(400);
  });

  it('GET /auth/me needs a token and answers the caller', async () => {
    await t.http().get('/api/v1/auth/me').expect(401);
    const me = await t.http().get('/api/v1/auth/me').set(...bearer(admin)).expect(200);
    expect(me.body).toMatchObject({ id: admin.id, email: admin.email, role: 'ADMIN', isActive: true });
  });

  it('a deactivated user cannot log in and their existing token stops working at once; reactivating restores access', async () => {
    const user = await t.makeUser({ role: 'VIEWER' });
    await t.http().get('/api/v1/auth/me').set(...bearer(user)).expect(200);
    const res = await t.http().patch(`/api/v1/users/${user.id}`).set(...bearer(admin)).send({ isActive: false }).expect(200);
    expect(res.body.isActive).toBe(false);

    await t.http().get('/api/v1/auth/me').set(...bearer(user)).expect(401);
    await t.http().get('/api/v1/cases').set(...bearer(user)).expect(401);
    const denied = await login(user.email, user.password).expect(401);
    const unknown = await login(`ghost-${Date.now()}@test.local`, user.password).expect(401);
    expect(denied.body.message).toBe(unknown.body.message);

    await t.http().patch(`/api/v1/users/${user.id}`).set(...bearer(admin)).send({ isActive: true }).expect(200);
    await t.http().get('/api/v1/auth/me').set(...bearer(user)).expect(200);
    await login(user.email, user.password).expect(200);
  });

  it('a role change takes effect on the next request with the same token', async () => {
    const user = await t.makeUser({ role: 'INVESTIGATOR' });
    const body = { title: 'role check', caseType: 'AUDIT', scopeCode: 'FIN' };
    await t.http().post('/api/v1/cases').set(...bearer(user)).send(body).expect(201);
    await t.http().patch(`/api/v1/users/${user.id}`).set(...bearer(admin)).send({ role: 'VIEWER' }).expect(200);
    await t.http().post('/api/v1/cases').set(...bearer(user)).send(body).expect(403);
  });

  describe('rejects bad tokens with 401', () => {
    const expect401 = async (token: string) => {
      const res = await t.http().get('/api/v1/auth/me').set('Authorization', `Bearer ${token}`);
      expect({ status: res.status, body: res.body }).toEqual({
        status: 401, body: { statusCode: 401, error: 'Unauthorized', message: expect.any(String) },
      });
    };

    it('a valid token is accepted (control)', async () => {
      const token = new JwtService({}).sign({ sub: admin.id, ver: 0, jti: randomUUID() }, { secret: jwtSecret, algorithm: 'HS256', expiresIn: 60 });
      await t.http().get('/api/v1/auth/me').set('Authorization', `Bearer ${token}`).expect(200);
    });

    it('alg none', async () => {
      const now = Math.floor(Date.now() / 1000);
      await expect401(`${base64url({ alg: 'none', typ: 'JWT' })}.${base64url({ sub: admin.id, ver: 0, jti: randomUUID(), iat: now, exp: now + 600 })}.`);
      await expect401(`${base64url({ alg: 'none', typ: 'JWT' })}.${base64url({ sub: admin.id, ver: 0, jti: randomUUID(), iat: now, exp: now + 600 })}`);
    });

    it('signed with another key', async () => {
      await expect401(new JwtService({}).sign({ sub: admin.id, ver: 0, jti: randomUUID() }, { secret: 'another-secret-' + 'y'.repeat(40), algorithm: 'HS256', expiresIn: 600 }));
    });

    it('another HMAC algorithm with the right key', async () => {
      await expect401(new JwtService({}).sign({ sub: admin.id, ver: 0, jti: randomUUID() }, { secret: jwtSecret, algorithm: 'HS512', expiresIn: 600 }));
    });

    it('a tampered payload', async () => {
      const [header, , signature] = admin.token.split('.');
      const other = await t.makeUser({ role: 'VIEWER' });
      const now = Math.floor(Date.now() / 1000);
      await expect401(`${header}.${base64url({ sub: other.id, ver: 0, jti: randomUUID(), iat: now, exp: now + 600 })}.${signature}`);
    });

    it('expired', async () => {
      const now = Math.floor(Date.now() / 1000);
      await expect401(new JwtService({}).sign({ sub: admin.id, ver: 0, jti: randomUUID(), iat: now - 7200, exp: now - 60 }, { secret: jwtSecret, algorithm: 'HS256' }));
    });

    it('without a token id or token version (every token the server issues has both)', async () => {
      const sign = (claims: object) => new JwtService({}).sign({ sub: admin.id, ...claims }, { secret: jwtSecret, algorithm: 'HS256', expiresIn: 600 });
      await expect401(sign({ ver: 0 }));
      await expect401(sign({ jti: randomUUID() }));
      await expect401(sign({ jti: 'not-a-uuid', ver: 0 }));
      await expect401(sign({ jti: randomUUID(), ver: '0' }));
      await expect401(sign({ jti: randomUUID(), ver: 1 }));
    });
    it('for an unknown or deleted user, or with a malformed subject', async () => {
      const sign = (sub: unknown) => new JwtService({}).sign({ sub, ver: 0, jti: randomUUID() } as object, { secret: jwtSecret, algorithm: 'HS256', expiresIn: 600 });
      await expect401(sign(UNKNOWN_ID));
      await expect401(sign('not-a-uuid'));
      await expect401(sign(42));
      const doomed = await t.makeUser({ role: 'VIEWER' });
      await t.http().get('/api/v1/auth/me').set(...bearer(doomed)).expect(200);
      await t.sql('DELETE FROM users WHERE id = $1', [doomed.id]);
      await expect401(doomed.token);
    });

    it('garbage, and a header without the Bearer scheme', async () => {
      await expect401('garbage');
      await expect401('a.b.c');
      const res = await t.http().get('/api/v1/auth/me').set('Authorization', admin.token);
      expect(res.status).toBe(401);
    });
  });
});

describe('login throttling (CONTRACT §10)', () => {
  let t: TestApp;
  beforeAll(async () => {
    // 5 per address here so the per-address rule is cheap to reach; 10 per account (the default).
    t = await startTestApp({ env: { LOGIN_MAX_FAILURES_PER_ADDRESS: '5' } });
  });
  afterAll(() => t.close());

  const login = (email: string, password: string, ip: string, app: TestApp = t) =>
    app.http().post('/api/v1/auth/login').set('X-Forwarded-For', ip).send({ email, password });
  const failuresFrom = async (ip: string) =>
    Number((await t.sql<{ n: string }>('SELECT count(*) AS n FROM login_failures WHERE client_address = $1', [ip]))[0].n);

  it('10 failures on an account make addresses with recent failures wait (429, Retry-After), whatever the case or spacing; the right password from a clean address still gets in', async () => {
    const victim = await t.makeUser({ role: 'ADMIN' });
    const variants = [victim.email, victim.email.toUpperCase(), ` ${victim.email}`, `${victim.email}  `];
    const failed = await Promise.all(Array.from({ length: 10 }, (_, i) => login(variants[i % variants.length], 'wrong-password', `10.0.0.${i + 1}`)));
    expect(failed.map((r) => r.status)).toEqual(Array(10).fill(401));
    // An attacker's address (it has failed before) now waits, with the right password too.
    const limited = await login(victim.email, 'wrong-password', '10.0.0.1').expect(429);
    expect(limited.body).toMatchObject({ statusCode: 429, error: 'Too Many Requests' });
    const retryAfter = Number(limited.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(15 * 60);
    await login(` ${victim.email.toUpperCase()}`, victim.password, '10.0.0.2').expect(429);
    // Nobody locks the admin out by failing on purpose: from an address without failures, the password is checked.
    const res = await login(victim.email, victim.password, '10.0.1.1').expect(200);
    expect(res.body.user.id).toBe(victim.id);
    // Other accounts are not affected.
    const other = await t.makeUser();
    await login(other.email, other.password, '10.0.1.3').expect(200);
  });

  it('concurrent guesses from addresses with failures cannot slip past the account limit', async () => {
    const victim = await t.makeUser();
    for (let i = 1; i <= 9; i++) await login(victim.email, `first-${i}`, `10.2.0.${i}`).expect(401);
    const results = await Promise.all(Array.from({ length: 27 }, (_, i) => login(victim.email, `guess-${i}`, `10.2.0.${(i % 9) + 1}`)));
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s !== 401 && s !== 429)).toEqual([]);
    expect(statuses.filter((s) => s === 401)).toHaveLength(1);
  });

  it('one address with LOGIN_MAX_FAILURES_PER_ADDRESS failures gets 429 for every account, even with the right password; others do not', async () => {
    const users = await Promise.all(Array.from({ length: 6 }, () => t.makeUser()));
    // Concurrent, on different accounts: still no more than the limit gets through to a password check.
    const results = await Promise.all(users.map((u) => login(u.email, 'wrong-password', '10.3.0.1')));
    expect(results.map((r) => r.status).sort()).toEqual([401, 401, 401, 401, 401, 429]);
    const blocked = await login(users[0].email, users[0].password, '10.3.0.1').expect(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    const fresh = await t.makeUser();
    await login(fresh.email, fresh.password, '10.3.0.1').expect(429);
    // Below the account limit, and another address: fine.
    await login(users[0].email, users[0].password, '10.3.0.2').expect(200);
  });

  it('is kept in the database: failures seen by one process count in another', async () => {
    const second = await startTestApp({ databaseUrl: t.databaseUrl, env: { LOGIN_MAX_FAILURES_PER_ADDRESS: '5', OUTBOX_DISPATCHER: 'off', SCHEDULER: 'off' } });
    try {
      const victim = await t.makeUser();
      for (let i = 0; i < 5; i++) await login(victim.email, 'wrong-password', '10.4.0.1', i % 2 ? second : t).expect(401);
      await login(victim.email, victim.password, '10.4.0.1', second).expect(429);
      await login(victim.email, victim.password, '10.4.0.1', t).expect(429);
    } finally {
      await second.close();
    }
  });

  it('counts failures by the client address (X-Forwarded-For from a trusted proxy) and forgets them on success', async () => {
    const user = await t.makeUser();
    await login(user.email, 'wrong-password', '10.9.9.9').expect(401);
    expect(await failuresFrom('10.9.9.9')).toBe(1);
    await login(user.email, user.password, '10.9.9.9').expect(200);
    expect(await failuresFrom('10.9.9.9')).toBe(0);
    // A success leaves no row of its own behind.
    await login(user.email, user.password, '10.9.9.10').expect(200);
    expect(await failuresFrom('10.9.9.10')).toBe(0);
  });

  it('TRUST_PROXY=false: X-Forwarded-For is ignored and the peer address counts', async () => {
    const strict = await startTestApp({ databaseUrl: t.databaseUrl, env: { TRUST_PROXY: 'false', OUTBOX_DISPATCHER: 'off', SCHEDULER: 'off' } });
    try {
      const user = await t.makeUser();
      await login(user.email, 'wrong-password', '10.8.8.8', strict).expect(401);
      expect(await failuresFrom('10.8.8.8')).toBe(0);
      const [row] = await t.sql<{ client_address: string }>(
        `SELECT client_address FROM login_failures WHERE account_key = $1`, [user.email]);
      expect(row.client_address).toMatch(/127\.0\.0\.1$/);
    } finally {
      await strict.close();
    }
  });
});
