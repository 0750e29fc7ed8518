import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { bearer, eventually, startTestApp, type TestApp, type TestUser } from '../../test/harness';
import { connectError, connectSocket, type CollectingSocket } from '../../test/sockets';
import { passwordProblem } from './password-policy';

/**
 * CONTRACT §10: signing out, signing out everywhere, changing and resetting a password end tokens and
 * sockets at once in every process. Two server processes share one database here: the change is made
 * through one, the tokens and sockets are checked on the other.
 */
describe('sessions end at once in every process', () => {
  let a: TestApp;
  let b: TestApp;
  let admin: TestUser;

  beforeAll(async () => {
    a = await startTestApp();
    b = await startTestApp({ databaseUrl: a.databaseUrl, env: { OUTBOX_DISPATCHER: 'off', SCHEDULER: 'off' } });
    admin = await a.makeUser({ role: 'ADMIN' });
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  const login = async (user: { email: string }, password: string, app: TestApp = a) =>
    (await app.http().post('/api/v1/auth/login').send({ email: user.email, password }).expect(200)).body as { accessToken: string; user: { mustChangePassword: boolean } };
  const as = (token: string) => ['Authorization', `Bearer ${token}`] as [string, string];
  const meStatus = async (token: string, app: TestApp) => (await app.http().get('/api/v1/auth/me').set(...as(token))).status;
  const disconnected = (s: CollectingSocket) => eventually(async () => !s.socket.connected, 5000, 'the socket to be closed');
  const sockets: CollectingSocket[] = [];
  const open = async (token: string) => {
    const s = await connectSocket(b.url, token);
    sockets.push(s);
    return s;
  };
  afterAll(() => sockets.forEach((s) => s.close()));

  it('POST /auth/logout: this token stops working on every process and its sockets close; the user\'s other tokens go on', async () => {
    const user = await a.makeUser({ role: 'INVESTIGATOR' });
    const first = (await login(user, user.password)).accessToken;
    const second = (await login(user, user.password)).accessToken;
    const firstSocket = await open(first);
    const secondSocket = await open(second);
    await a.http().post('/api/v1/auth/logout').set(...as(first)).expect(204);
    expect(await meStatus(first, b)).toBe(401);
    expect(await meStatus(first, a)).toBe(401);
    await disconnected(firstSocket);
    expect(await meStatus(second, b)).toBe(200);
    expect(secondSocket.socket.connected).toBe(true);
    expect(await connectError(b.url, { token: first })).toBeTruthy();
    // Signing out twice is not an error a client has to handle specially: the token is simply no longer valid.
    await a.http().post('/api/v1/auth/logout').set(...as(first)).expect(401);
  });

  it('POST /auth/logout-all: every token and socket of the user ends, on every process; other users are untouched', async () => {
    const user = await a.makeUser({ role: 'VIEWER' });
    const bystander = await a.makeUser({ role: 'VIEWER' });
    const tokens = [(await login(user, user.password)).accessToken, (await login(user, user.password, b)).accessToken];
    const userSockets = [await open(tokens[0]), await open(tokens[1])];
    const bystanderSocket = await open(bystander.token);
    await b.http().post('/api/v1/auth/logout-all').set(...as(tokens[1])).expect(204);
    for (const token of tokens) for (const app of [a, b]) expect(await meStatus(token, app)).toBe(401);
    await Promise.all(userSockets.map(disconnected));
    expect(bystanderSocket.socket.connected).toBe(true);
    // Signing in again works.
    expect(await meStatus((await login(user, user.password)).accessToken, b)).toBe(200);
  });

  it('POST /auth/change-password: 204; the other tokens and sockets end, this one goes on; the new password signs in', async () => {
    const user = await a.makeUser({ role: 'INVESTIGATOR' });
    const current = (await login(user, user.password)).accessToken;
    const other = (await login(user, user.password)).accessToken;
    const currentSocket = await open(current);
    const otherSocket = await open(other);
    const change = (body: object) => a.http().post('/api/v1/auth/change-password').set(...as(current)).send(body);

    const wrong = await change({ currentPassword: 'not-my-password', newPassword: 'a brand new passphrase' }).expect(400);
    expect(wrong.body.message).toMatch(/currentPassword/);
    expect((await change({ currentPassword: user.password, newPassword: 'short' }).expect(400)).body.message).toMatch(/at least 12 characters/);
    expect((await change({ currentPassword: user.password, newPassword: 'qwerty123456' }).expect(400)).body.message).toMatch(/commonly used/);
    expect((await change({ currentPassword: user.password, newPassword: user.email }).expect(400)).body.message).toMatch(/e-mail/);
    await change({ currentPassword: user.password }).expect(400);
    expect(await meStatus(other, b)).toBe(200);

    await change({ currentPassword: user.password, newPassword: 'a brand new passphrase' }).expect(204);
    expect(await meStatus(other, b)).toBe(401);
    expect(await meStatus(current, b)).toBe(200);
    await disconnected(otherSocket);
    expect(currentSocket.socket.connected).toBe(true);
    await a.http().post('/api/v1/auth/login').send({ email: user.email, password: user.password }).expect(401);
    await login(user, 'a brand new passphrase', b);
  });

  it('POST /users/:id/reset-password: a temporary password that passes the policy; every token and socket ends; until changed, only me, change-password and logout answer', async () => {
    const user = await a.makeUser({ role: 'INVESTIGATOR' });
    const before = await open(user.token);
    const res = await a.http().post(`/api/v1/users/${user.id}/reset-password`).set(...bearer(admin)).expect(200);
    expect(Object.keys(res.body)).toEqual(['temporaryPassword']);
    expect(passwordProblem(res.body.temporaryPassword, user.email)).toBeNull();
    expect(await meStatus(user.token, b)).toBe(401);
    await disconnected(before);
    await a.http().post('/api/v1/auth/login').send({ email: user.email, password: user.password }).expect(401);

    const signedIn = await login(user, res.body.temporaryPassword, b);
    expect(signedIn.user.mustChangePassword).toBe(true);
    const token = signedIn.accessToken;
    const me = await b.http().get('/api/v1/auth/me').set(...as(token)).expect(200);
    expect(me.body).toMatchObject({ id: user.id, mustChangePassword: true });
    for (const [method, path] of [['get', '/api/v1/cases'], ['get', '/api/v1/users'], ['get', '/api/v1/notifications'], ['post', '/api/v1/auth/logout-all']] as const) {
      const refused = await b.http()[method](path).set(...as(token));
      expect({ path, status: refused.status }).toEqual({ path, status: 403 });
      expect(refused.body.message).toMatch(/change it first/);
    }
    expect(await connectError(b.url, { token })).toBeTruthy();

    await b.http().post('/api/v1/auth/change-password').set(...as(token))
      .send({ currentPassword: res.body.temporaryPassword, newPassword: 'my own passphrase again' }).expect(204);
    await b.http().get('/api/v1/cases').set(...as(token)).expect(200);
    expect((await b.http().get('/api/v1/auth/me').set(...as(token)).expect(200)).body.mustChangePassword).toBe(false);
    await a.http().post(`/api/v1/users/${'00000000-0000-4000-8000-000000000000'}/reset-password`).set(...bearer(admin)).expect(404);
  });

  it('a user who must change their password may still sign out', async () => {
    const user = await a.makeUser({ role: 'VIEWER' });
    const { temporaryPassword } = (await a.http().post(`/api/v1/users/${user.id}/reset-password`).set(...bearer(admin)).expect(200)).body;
    const { accessToken } = await login(user, temporaryPassword);
    await a.http().post('/api/v1/auth/logout').set(...as(accessToken)).expect(204);
    expect(await meStatus(accessToken, b)).toBe(401);
  });

  it('a hash made with older parameters is upgraded at the next successful sign-in', async () => {
    const user = await a.makeUser({ role: 'VIEWER' });
    const { hashPassword } = await import('./password-hasher');
    const old = await hashPassword(user.password, { N: 2 ** 10, r: 8, p: 1 });
    await a.sql('UPDATE users SET password_hash = $2 WHERE id = $1', [user.id, old]);
    // A wrong password upgrades nothing.
    await a.http().post('/api/v1/auth/login').send({ email: user.email, password: 'wrong password!' }).expect(401);
    expect((await a.sql<{ password_hash: string }>('SELECT password_hash FROM users WHERE id = $1', [user.id]))[0].password_hash).toBe(old);
    await login(user, user.password);
    const [{ password_hash: upgraded }] = await a.sql<{ password_hash: string }>('SELECT password_hash FROM users WHERE id = $1', [user.id]);
    expect(upgraded).not.toBe(old);
    // The test harness runs scrypt at N=2^12 (INTERNAL_TEST_SCRYPT_LOG2N); production at OWASP's 2^17.
    expect(upgraded).toMatch(/^scrypt\$4096\$8\$1\$/);
    await login(user, user.password);
  });
});
