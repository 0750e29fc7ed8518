import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
// @ts-expect-error: a plain ES module shared with the browser tests, without type declarations.
import { OIDC_CLIENT, startOidcPeer } from '../../../../e2e/lib/oidc-peer.mjs';
import { bearer, startTestApp, type TestApp, type TestUser } from '../../../test/harness';
import { signInThroughProvider } from '../../../test/oidc-sign-in';
import { freePort } from '../../../test/server-process';

interface Peer { issuer: string; people: Map<string, { email: string; name: string; groups: string[]; acos_scopes: string[] }>; close(): Promise<void> }

/**
 * CONTRACT §10, single sign-on, against a real OpenID provider (oidc-provider) on 127.0.0.1: authorization code +
 * PKCE, state and nonce checked by openid-client; role and scopes from the provider's claims at every sign-in.
 */
describe('single sign-on through an OpenID provider', () => {
  let peer: Peer;
  let t: TestApp;
  let strict: TestApp;
  let admin: TestUser;
  let strictPort: number;

  const oidcEnv = (port: number, extra: Record<string, string> = {}) => ({
    PORT: String(port), OIDC_ISSUER_URL: peer.issuer, OIDC_CLIENT_ID: OIDC_CLIENT.id, OIDC_CLIENT_SECRET: OIDC_CLIENT.secret,
    OIDC_ADMIN_GROUPS: 'acos-admins, it-admins', OIDC_INVESTIGATOR_GROUPS: 'acos-investigators', OIDC_SCOPES_CLAIM: 'acos_scopes',
    OIDC_LABEL: 'Company SSO', ...extra,
  });
  const me = (app: TestApp, token: string) => app.http().get('/api/v1/auth/me').set(...bearer({ token }));
  const audited = async (targetId: string) =>
    (await t.http().get(`/api/v1/audit-log?targetId=${targetId}&limit=200`).set(...bearer(admin)).expect(200)).body.items as Array<{
      action: string; actorId: string | null; targetId: string | null; detail: Record<string, unknown>; clientAddress: string | null;
    }>;

  beforeAll(async () => {
    const port = await freePort();
    strictPort = await freePort();
    peer = await startOidcPeer({
      redirectUris: [port, strictPort].map((p) => `http://127.0.0.1:${p}/api/v1/auth/oidc/callback`),
    });
    t = await startTestApp({ env: oidcEnv(port) });
    admin = await t.makeUser({ role: 'ADMIN' });
  });

  afterAll(async () => {
    await t?.close();
    await strict?.close();
    await peer?.close();
  });

  it('GET /auth/providers tells the login page what to offer, without a token', async () => {
    const res = await t.http().get('/api/v1/auth/providers').expect(200);
    expect(res.body).toEqual({ local: true, oidc: { label: 'Company SSO' } });
    // Without demo data the login page lists no demo account.
    expect((await t.http().get('/api/v1/auth/demo-accounts').expect(200)).body).toEqual({ items: [] });
  });

  it('GET /auth/oidc/login redirects to the provider with a code flow, PKCE, state and nonce', async () => {
    const res = await t.http().get('/api/v1/auth/oidc/login').redirects(0).expect(302);
    const to = new URL(res.headers.location);
    expect(to.origin).toBe(peer.issuer);
    const q = to.searchParams;
    expect({ response_type: q.get('response_type'), client_id: q.get('client_id'), method: q.get('code_challenge_method') })
      .toEqual({ response_type: 'code', client_id: OIDC_CLIENT.id, method: 'S256' });
    for (const p of ['state', 'nonce', 'code_challenge']) expect(q.get(p)?.length).toBeGreaterThan(20);
    expect(q.get('scope')?.split(' ')).toEqual(expect.arrayContaining(['openid', 'email', 'groups', 'acos_scopes']));
    expect(q.get('redirect_uri')).toBe(`${t.url}/api/v1/auth/oidc/callback`);
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    // The pending sign-in's secrets are not in the URL the browser shows.
    expect(res.headers.location).not.toContain('code_verifier');
  });

  it('creates the user at first sign-in with the role and scopes of their claims, and signs them in', async () => {
    const olga = await signInThroughProvider(t.url, 'olga');
    expect(olga.location).toMatch(/^\/login\/callback#token=/);
    const olgaMe = await me(t, olga.token!).expect(200);
    expect(olgaMe.body).toMatchObject({ email: 'olga.admin@idp.test', name: 'Olga Okta-Admin', role: 'ADMIN', scopeCodes: [], isActive: true });

    const ines = await signInThroughProvider(t.url, 'ines');
    // "hr" is not a scope code of ours: dropped, not fatal.
    expect((await me(t, ines.token!).expect(200)).body).toMatchObject({ role: 'INVESTIGATOR', scopeCodes: ['FIN', 'OPS'] });
    const victor = await signInThroughProvider(t.url, 'victor');
    expect((await me(t, victor.token!).expect(200)).body).toMatchObject({ role: 'VIEWER', scopeCodes: [] });

    const rows = await t.sql<{ auth_provider: string; oidc_issuer: string; oidc_subject: string; password_hash: string | null }>(
      'SELECT auth_provider, oidc_issuer, oidc_subject, password_hash FROM users WHERE id = $1', [olgaMe.body.id]);
    expect(rows).toEqual([{ auth_provider: 'OIDC', oidc_issuer: peer.issuer, oidc_subject: 'olga', password_hash: null }]);
    // The token is the app's own: it works on the API like a password login's.
    await t.http().get('/api/v1/workflows/rules').set(...bearer({ token: olga.token! })).expect(200);

    // Like a password sign-in: lastLoginAt is set and the audit log has LOGIN_SUCCEEDED, with what the claims made.
    expect(olgaMe.body.lastLoginAt).toEqual(expect.stringMatching(/^\d{4}-/));
    expect(olgaMe.body.authProvider).toBe('OIDC');
    expect(await audited(olgaMe.body.id)).toEqual([expect.objectContaining({
      action: 'LOGIN_SUCCEEDED', actorId: olgaMe.body.id, clientAddress: '127.0.0.1',
      detail: { provider: 'OIDC', created: true, email: 'olga.admin@idp.test', role: 'ADMIN', scopeCodes: [] },
    })]);
  });

  it('applies the provider\'s groups at every sign-in: removed from the admin group, a user loses ADMIN', async () => {
    const first = await signInThroughProvider(t.url, 'olga');

    const id = (await me(t, first.token!).expect(200)).body.id;
    const lastLogin = async () => (await t.sql<{ at: Date }>('SELECT last_login_at AS at FROM users WHERE id = $1', [id]))[0].at.getTime();
    const signedInBefore = await lastLogin();
    peer.people.get('olga')!.groups = ['staff'];
    peer.people.get('olga')!.name = 'Olga Renamed';
    try {
      const again = await signInThroughProvider(t.url, 'olga');
      expect((await me(t, again.token!).expect(200)).body).toMatchObject({ id, role: 'VIEWER', name: 'Olga Renamed' });
      // The earlier token now carries the lesser role too: roles are read per request.
      await t.http().get('/api/v1/workflows/rules').set(...bearer({ token: first.token! })).expect(403);
      expect(await t.sql('SELECT count(*)::int AS n FROM users WHERE oidc_subject = $1', ['olga'])).toEqual([{ n: 1 }]);
      // Each sign-in moves lastLoginAt on, and the entry says what the provider's claims changed.
      expect(await lastLogin()).toBeGreaterThan(signedInBefore);
      const [latest] = await audited(id);
      expect(latest).toMatchObject({
        action: 'LOGIN_SUCCEEDED', actorId: id,
        detail: { provider: 'OIDC', created: false, before: { role: 'ADMIN', name: 'Olga Okta-Admin' }, after: { role: 'VIEWER', name: 'Olga Renamed' } },
      });
    } finally {
      peer.people.get('olga')!.groups = ['acos-admins', 'staff'];
    }
    const restored = await signInThroughProvider(t.url, 'olga');
    expect((await me(t, restored.token!).expect(200)).body.role).toBe('ADMIN');
  });

  it('refuses a deactivated user: back to the login page with the reason, and no token', async () => {
    const victor = await signInThroughProvider(t.url, 'victor');
    const id = (await me(t, victor.token!).expect(200)).body.id;
    const lastLogin = async () => (await t.sql<{ at: Date }>('SELECT last_login_at AS at FROM users WHERE id = $1', [id]))[0].at.getTime();
    const signedIn = await lastLogin();
    await t.http().patch(`/api/v1/users/${id}`).set(...bearer(admin)).send({ isActive: false }).expect(200);
    try {
      const refused = await signInThroughProvider(t.url, 'victor');
      expect(refused.token).toBeUndefined();
      expect(refused.location).toMatch(/^\/login\?error=/);
      expect(refused.error).toMatch(/deactivated/);
      // The deactivation also kept its role: a refused sign-in changes nothing.
      expect(await t.sql('SELECT is_active FROM users WHERE id = $1', [id])).toEqual([{ is_active: false }]);
      // ... but it is in the audit log, as a refused password sign-in would be; lastLoginAt stays the earlier one.
      const [latest, previous] = await audited(id);
      expect(latest).toMatchObject({
        action: 'LOGIN_FAILED', actorId: id, clientAddress: '127.0.0.1',
        detail: { email: 'victor.viewer@idp.test', reason: 'DEACTIVATED', provider: 'OIDC' },
      });
      expect(previous.action).toBe('USER_UPDATED');
      expect(await lastLogin()).toBe(signedIn);
    } finally {
      await t.http().patch(`/api/v1/users/${id}`).set(...bearer(admin)).send({ isActive: true }).expect(200);
    }
  });

  it('refuses a callback whose state does not match, or that arrives without the pending sign-in', async () => {
    const tampered = await signInThroughProvider(t.url, 'ines', {
      tamperCallback: (url) => {
        url.searchParams.set('state', 'forged-state-forged-state-forged');
        return url;
      },
    });
    expect(tampered.token).toBeUndefined();
    expect(tampered.error).toMatch(/could not be completed/);

    const elsewhere = await signInThroughProvider(t.url, 'ines', { dropAppCookies: true });
    expect(elsewhere.token).toBeUndefined();
    expect(elsewhere.error).toMatch(/expired or was started in another browser/);

    const bare = await t.http().get('/api/v1/auth/oidc/callback?code=abc&state=def').redirects(0).expect(302);
    expect(bare.headers.location).toMatch(/^\/login\?error=/);
  });

  it('does not take over a password account with the same e-mail', async () => {
    await t.makeUser({ role: 'VIEWER', email: 'dana@idp.test' });
    peer.people.set('dana', { email: 'dana@idp.test', name: 'Dana', groups: ['acos-admins'], acos_scopes: [] });
    const refused = await signInThroughProvider(t.url, 'dana');
    expect(refused.token).toBeUndefined();
    expect(refused.error).toMatch(/already exists and signs in with a password/);
    const failed = (await t.http().get('/api/v1/audit-log?action=LOGIN_FAILED&limit=200').set(...bearer(admin)).expect(200)).body.items
      .filter((e: { detail: { email?: string } }) => e.detail.email === 'dana@idp.test');
    expect(failed).toEqual([expect.objectContaining({ actorId: null, detail: { email: 'dana@idp.test', reason: 'EMAIL_IN_USE', provider: 'OIDC' } })]);
    expect(await t.sql("SELECT role, auth_provider FROM users WHERE email = 'dana@idp.test'")).toEqual([{ role: 'VIEWER', auth_provider: 'LOCAL' }]);
  });

  it('a user of the provider has no password: password sign-in answers 401 like wrong credentials', async () => {
    await signInThroughProvider(t.url, 'ines');
    for (const password of ['', 'any-password', 'null']) {
      const res = await t.http().post('/api/v1/auth/login').send({ email: 'ines.investigator@idp.test', password: password || 'x' });
      expect(res.status).toBe(401);
      expect(res.body.message).toBe('invalid email or password');
    }
  });

  it('OIDC_LOCAL_LOGIN=false keeps password sign-in for the setup admin only', async () => {
    strict = await startTestApp({ env: oidcEnv(strictPort, { OIDC_LOCAL_LOGIN: 'false' }) });
    const setupAdmin = await strict.makeUser({ role: 'ADMIN' });
    const otherAdmin = await strict.makeUser({ role: 'ADMIN' });
    const investigator = await strict.makeUser({ role: 'INVESTIGATOR' });
    expect((await strict.http().get('/api/v1/auth/providers').expect(200)).body).toEqual({ local: false, oidc: { label: 'Company SSO' } });
    await strict.http().post('/api/v1/auth/login').send({ email: setupAdmin.email, password: setupAdmin.password }).expect(200);
    for (const user of [otherAdmin, investigator]) {
      const res = await strict.http().post('/api/v1/auth/login').send({ email: user.email, password: user.password }).expect(401);
      expect(res.body.message).toMatch(/single sign-on/);
      // A wrong password still gets the usual answer (nothing is said about the account).
      const wrong = await strict.http().post('/api/v1/auth/login').send({ email: user.email, password: 'wrong-password' }).expect(401);
      expect(wrong.body.message).toBe('invalid email or password');
    }
    const sso = await signInThroughProvider(strict.url, 'ines');
    expect((await me(strict, sso.token!).expect(200)).body.role).toBe('INVESTIGATOR');
  });
});

describe('without single sign-on configured', () => {
  let plain: TestApp;
  beforeAll(async () => {
    plain = await startTestApp();
  });
  afterAll(async () => plain?.close());

  it('offers passwords only, and the single sign-on routes answer 404', async () => {
    expect((await plain.http().get('/api/v1/auth/providers').expect(200)).body).toEqual({ local: true, oidc: null });
    await plain.http().get('/api/v1/auth/oidc/login').redirects(0).expect(404);
    await plain.http().get('/api/v1/auth/oidc/callback?code=a&state=b').redirects(0).expect(404);
  });
});
