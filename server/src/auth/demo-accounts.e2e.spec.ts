import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestApp, type TestApp } from '../../test/harness';

/** The login page lists the demo accounts while they exist with their published passwords, and only then. */
describe('GET /auth/demo-accounts with demo data loaded', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ env: { DEMO_DATA: 'true', OUTBOX_DISPATCHER: 'off', SCHEDULER: 'off' } });
  }, 60_000);
  afterAll(() => t?.close());

  const demoAccounts = async () => (await t.http().get('/api/v1/auth/demo-accounts').expect(200)).body.items as
    Array<{ email: string; password: string; role: string }>;

  it('GET /auth/providers stays as it was: which sign-in is offered, nothing more', async () => {
    expect((await t.http().get('/api/v1/auth/providers').expect(200)).body).toEqual({ local: true, oidc: null });
  });

  it('lists each demo account with its password and role, and every one of them signs in', async () => {
    const accounts = await demoAccounts();
    expect(accounts?.map((a) => [a.email, a.role])).toEqual([
      ['admin@auditcaseos.local', 'ADMIN'], ['ivan@auditcaseos.local', 'INVESTIGATOR'], ['fiona@auditcaseos.local', 'INVESTIGATOR'],
      ['harry@auditcaseos.local', 'INVESTIGATOR'], ['vera@auditcaseos.local', 'VIEWER'],
    ]);
    for (const a of accounts!) await t.http().post('/api/v1/auth/login').send({ email: a.email, password: a.password }).expect(200);
  });

  it('only accounts the seeding created are listed: a demo e-mail with a hash copied over is not', async () => {
    expect(await t.sql(`SELECT count(*)::int AS n FROM users WHERE demo_password_hash IS NOT NULL`)).toEqual([{ n: 5 }]);
    const other = await t.makeUser({ role: 'ADMIN' });
    await t.sql(`UPDATE users SET password_hash = (SELECT password_hash FROM users WHERE email = 'admin@auditcaseos.local') WHERE id = $1`, [other.id]);
    expect((await demoAccounts())?.map((a) => a.email)).not.toContain(other.email);
  });

  it('an account whose password was changed drops off the list; a deactivated one too', async () => {
    const login = await t.http().post('/api/v1/auth/login').send({ email: 'ivan@auditcaseos.local', password: 'Investigator123!' }).expect(200);
    await t.http().post('/api/v1/auth/change-password').set('Authorization', `Bearer ${login.body.accessToken}`)
      .send({ currentPassword: 'Investigator123!', newPassword: 'a private passphrase for ivan' }).expect(204);
    await t.sql(`UPDATE users SET is_active = false WHERE email = 'vera@auditcaseos.local'`);
    expect((await demoAccounts())?.map((a) => a.email)).toEqual(['admin@auditcaseos.local', 'fiona@auditcaseos.local', 'harry@auditcaseos.local']);
  });
});
