import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { TransactionRunner } from '../database/unit-of-work';
import { bearer, startTestApp, type TestApp, type TestUser } from '../../test/harness';
import { AuditService } from './audit.service';

interface Entry { id: string; at: string; actorId: string | null; actorName: string | null; action: string; targetType: string | null; targetId: string | null; detail: any; clientAddress: string | null }

describe('audit log (CONTRACT §10)', () => {
  let t: TestApp;
  let admin: TestUser;

  beforeAll(async () => {
    // Webhooks below point at a loopback address nobody calls.
    t = await startTestApp({ env: { WEBHOOK_ALLOW_PRIVATE: 'true' } });
    admin = await t.makeUser({ role: 'ADMIN', name: 'Audrey Admin' });
  });
  afterAll(() => t.close());

  const entries = async (query: string): Promise<{ items: Entry[]; total: number }> =>
    (await t.http().get(`/api/v1/audit-log?${query}`).set(...bearer(admin)).expect(200)).body;
  const from = (ip: string) => ['X-Forwarded-For', ip] as [string, string];

  it('records each account action with its actor, target, detail and client address', async () => {
    const created = await t.http().post('/api/v1/users').set(...bearer(admin)).set(...from('198.51.100.1'))
      .send({ email: `audited-${Date.now()}@test.local`, name: 'Audited', role: 'VIEWER', password: 'audited passphrase' }).expect(201);
    const id = created.body.id;
    const email = created.body.email;
    await t.http().patch(`/api/v1/users/${id}`).set(...bearer(admin)).set(...from('198.51.100.2'))
      .send({ role: 'INVESTIGATOR', scopeCodes: ['FIN'], isActive: false, name: 'Renamed' }).expect(200);
    await t.http().patch(`/api/v1/users/${id}`).set(...bearer(admin)).send({ isActive: true }).expect(200);
    await t.http().post('/api/v1/auth/login').set(...from('198.51.100.3')).send({ email, password: 'not the password' }).expect(401);
    const login = await t.http().post('/api/v1/auth/login').set(...from('198.51.100.4')).send({ email, password: 'audited passphrase' }).expect(200);
    const token = login.body.accessToken;
    await t.http().post('/api/v1/auth/change-password').set('Authorization', `Bearer ${token}`)
      .send({ currentPassword: 'audited passphrase', newPassword: 'another audited passphrase' }).expect(204);
    await t.http().post(`/api/v1/users/${id}/reset-password`).set(...bearer(admin)).expect(200);
    const again = await t.http().post('/api/v1/auth/login').set(...from('198.51.100.5'))
      .send({ email, password: (await t.http().post(`/api/v1/users/${id}/reset-password`).set(...bearer(admin)).expect(200)).body.temporaryPassword }).expect(200);
    await t.http().post('/api/v1/auth/logout').set('Authorization', `Bearer ${again.body.accessToken}`).set(...from('198.51.100.6')).expect(204);

    const { items, total } = await entries(`targetId=${id}&limit=200`);
    expect(total).toBe(items.length);
    const actions = items.map((e) => e.action);
    expect(actions).toEqual([
      'LOGOUT', 'LOGIN_SUCCEEDED', 'PASSWORD_RESET', 'PASSWORD_RESET', 'PASSWORD_CHANGED', 'LOGIN_SUCCEEDED', 'LOGIN_FAILED',
      'USER_UPDATED', 'USER_UPDATED', 'USER_CREATED',
    ]);
    const at = items.map((e) => Date.parse(e.at));
    expect(at).toEqual([...at].sort((a, b) => b - a));
    const by = (action: string) => items.filter((e) => e.action === action);
    expect(by('USER_CREATED')[0]).toMatchObject({
      actorId: admin.id, actorName: 'Audrey Admin', targetType: 'USER', targetId: id, clientAddress: '198.51.100.1',
      detail: { email, role: 'VIEWER', scopeCodes: [] },
    });
    expect(by('USER_UPDATED')[1]).toMatchObject({
      actorId: admin.id, clientAddress: '198.51.100.2',
      detail: {
        before: { role: 'VIEWER', scopeCodes: [], isActive: true, name: 'Audited' },
        after: { role: 'INVESTIGATOR', scopeCodes: ['FIN'], isActive: false, name: 'Renamed' },
      },
    });
    expect(by('USER_UPDATED')[0].detail).toEqual({ before: { isActive: false }, after: { isActive: true } });
    expect(by('LOGIN_FAILED')[0]).toMatchObject({ actorId: id, clientAddress: '198.51.100.3', detail: { email, reason: 'WRONG_PASSWORD' } });
    expect(by('LOGIN_SUCCEEDED')[1]).toMatchObject({ actorId: id, clientAddress: '198.51.100.4' });
    expect(by('PASSWORD_CHANGED')[0]).toMatchObject({ actorId: id, targetId: id });
    expect(by('PASSWORD_RESET')[0]).toMatchObject({ actorId: admin.id, targetId: id });
    expect(by('LOGOUT')[0]).toMatchObject({ actorId: id, clientAddress: '198.51.100.6', detail: { everywhere: false } });
    // Never a password, temporary or not.
    expect(JSON.stringify(items)).not.toMatch(/passphrase|scrypt\$/);
  });

  it('records every rule change in its transaction: created, updated (PATCH, PUT, actions), toggled, restored, imported, deleted', async () => {
    const api = (method: 'post' | 'patch' | 'put' | 'delete', path: string, body?: object) =>
      t.http()[method](`/api/v1/workflows/rules${path}`).set(...bearer(admin)).set(...from('203.0.113.9')).send(body);
    const name = `audited rule ${Date.now()}`;
    const rule = (await api('post', '', { name, triggerType: 'EVENT', triggerConfig: { event: 'case.created' }, scopeCodes: ['NOPE'] }).expect(201)).body;
    await api('patch', `/${rule.id}`, { description: 'patched' }).expect(200);
    await api('put', `/${rule.id}`, { name, triggerType: 'EVENT', triggerConfig: { event: 'case.created' }, scopeCodes: ['NOPE'],
      actions: [{ actionType: 'ADD_TAG', actionConfig: { tag: 'audited' } }] }).expect(200);
    const action = (await api('post', `/${rule.id}/actions`, { actionType: 'CREATE_TIMELINE', actionConfig: { message: 'x' } }).expect(201)).body;
    await api('patch', `/${rule.id}/actions/${action.id}`, { actionConfig: { message: 'y' } }).expect(200);
    await api('delete', `/${rule.id}/actions/${action.id}`).expect(204);
    await api('post', `/${rule.id}/toggle`).expect(200);
    await api('post', `/${rule.id}/revisions/1/restore`).expect(200);
    // A refused change leaves no entry: a duplicate name is a 409.
    await api('post', '', { name, triggerType: 'EVENT', triggerConfig: { event: 'case.created' } }).expect(409);
    await api('delete', `/${rule.id}`).expect(204);

    const { items } = await entries(`targetId=${rule.id}&limit=200`);
    expect(items.map((e) => [e.action, e.detail.change])).toEqual([
      ['RULE_DELETED', undefined], ['RULE_RESTORED', 'RESTORED_FROM_1'], ['RULE_TOGGLED', 'TOGGLED'], ['RULE_UPDATED', 'ACTION_REMOVED'],
      ['RULE_UPDATED', 'ACTION_UPDATED'], ['RULE_UPDATED', 'ACTION_ADDED'], ['RULE_UPDATED', 'REPLACED'], ['RULE_UPDATED', 'UPDATED'],
      ['RULE_CREATED', 'CREATED'],
    ]);
    for (const e of items) expect(e).toMatchObject({ actorId: admin.id, actorName: 'Audrey Admin', targetType: 'RULE', clientAddress: '203.0.113.9', detail: { name } });
    expect(items[2].detail).toMatchObject({ isEnabled: false });
    expect(items[1].detail).toMatchObject({ restoredFrom: 1 });

    const imported = await t.http().post('/api/v1/workflows/rules/import').set(...bearer(admin)).send({ rules: [
      { name: `${name} a`, triggerType: 'EVENT', triggerConfig: { event: 'case.created' } },
      { name: `${name} b`, triggerType: 'EVENT', triggerConfig: { event: 'case.created' } },
    ] }).expect(201);
    const [entry] = (await entries('action=RULES_IMPORTED&limit=1')).items;
    expect(entry).toMatchObject({ actorId: admin.id, detail: { rules: imported.body.items.map((r: { id: string; name: string }) => ({ id: r.id, name: r.name })) } });
    expect((await entries(`targetId=${imported.body.items[0].id}`)).total).toBe(0);
  });

  it('records every webhook change in its transaction (WEBHOOK_CHANGED): created, updated, secret rotated, deleted; never the secret', async () => {
    const api = (method: 'post' | 'patch' | 'delete', path: string, body?: object) =>
      t.http()[method](`/api/v1/webhooks${path}`).set(...bearer(admin)).set(...from('203.0.113.7')).send(body);
    const name = `audited hook ${Date.now()}`;
    const created = (await api('post', '', { name, url: 'http://127.0.0.1:9/first' }).expect(201)).body;
    await api('patch', `/${created.id}`, { url: 'http://127.0.0.1:9/second', isEnabled: false }).expect(200);
    // Saving what is already there changes nothing, and the entry says so.
    await api('patch', `/${created.id}`, { name }).expect(200);
    const rotated = (await api('post', `/${created.id}/rotate-secret`).expect(200)).body;
    // Refused changes leave no entry: a duplicate name (409), an address that is not http(s) (400).
    await api('post', '', { name, url: 'http://127.0.0.1:9/again' }).expect(409);
    await api('patch', `/${created.id}`, { url: 'ftp://127.0.0.1/x' }).expect(400);
    await api('delete', `/${created.id}`).expect(204);
    await api('delete', `/${created.id}`).expect(404);

    const { items } = await entries(`targetId=${created.id}&limit=200`);
    expect(items.map((e) => [e.action, e.detail.change])).toEqual([
      ['WEBHOOK_CHANGED', 'DELETED'], ['WEBHOOK_CHANGED', 'SECRET_ROTATED'], ['WEBHOOK_CHANGED', 'UPDATED'], ['WEBHOOK_CHANGED', 'UPDATED'],
      ['WEBHOOK_CHANGED', 'CREATED'],
    ]);
    for (const e of items) expect(e).toMatchObject({ actorId: admin.id, actorName: 'Audrey Admin', targetType: 'WEBHOOK', clientAddress: '203.0.113.7', detail: { name } });
    expect(items[4].detail).toEqual({ change: 'CREATED', name, url: 'http://127.0.0.1:9/first', isEnabled: true });
    expect(items[3].detail).toEqual({
      change: 'UPDATED', name, before: { url: 'http://127.0.0.1:9/first', isEnabled: true }, after: { url: 'http://127.0.0.1:9/second', isEnabled: false },
    });
    expect(items[2].detail).toEqual({ change: 'UPDATED', name, before: {}, after: {} });
    expect(items[0].detail).toEqual({ change: 'DELETED', name, url: 'http://127.0.0.1:9/second' });
    // The secret (returned once at creation and at rotation) is in no entry.
    const text = JSON.stringify(items);
    expect(text).not.toContain(created.secret);
    expect(text).not.toContain(rotated.secret);
    expect(text).not.toMatch(/secret"/i);
  });

  it('a failed login for an unknown e-mail is recorded without an actor', async () => {
    const email = `nobody-${Date.now()}@test.local`;
    await t.http().post('/api/v1/auth/login').send({ email, password: 'whatever it is' }).expect(401);
    const { items } = await entries('action=LOGIN_FAILED&limit=200');
    expect(items.find((e) => e.detail.email === email)).toMatchObject({ actorId: null, targetId: null, detail: { reason: 'UNKNOWN_EMAIL' } });
  });

  it('filters by actor, action, target and time, pages newest first, and validates its query', async () => {
    const user = await t.makeUser({ role: 'VIEWER' });
    // `start` has millisecond precision and entries microseconds: a creation in the same millisecond would count as after it.
    await new Promise((resolve) => setTimeout(resolve, 5));
    const start = new Date().toISOString();
    await new Promise((resolve) => setTimeout(resolve, 5));
    for (const name of ['one', 'two', 'three']) await t.http().patch(`/api/v1/users/${user.id}`).set(...bearer(admin)).send({ name }).expect(200);
    const all = await entries(`targetId=${user.id}&action=USER_UPDATED`);
    expect(all.items.map((e) => e.detail.after.name)).toEqual(['three', 'two', 'one']);
    const page = await entries(`targetId=${user.id}&action=USER_UPDATED&limit=1&offset=1`);
    expect(page).toMatchObject({ total: 3, items: [{ detail: { after: { name: 'two' } } }] });
    expect((await entries(`actorId=${admin.id}&targetId=${user.id}`)).total).toBe(3);
    expect((await entries(`actorId=${user.id}&targetId=${user.id}`)).total).toBe(0);
    expect((await entries(`targetId=${user.id}&from=${encodeURIComponent(start)}`)).items.map((e) => e.action)).toEqual(Array(3).fill('USER_UPDATED'));
    // Only the user's creation (by the test fixture) came before.
    expect((await entries(`targetId=${user.id}&to=${encodeURIComponent(start)}`)).items.map((e) => e.action)).toEqual(['USER_CREATED']);
    for (const q of ['action=NOPE', 'actorId=x', 'from=yesterday', 'limit=0', 'limit=201', 'bogus=1']) {
      const res = await t.http().get(`/api/v1/audit-log?${q}`).set(...bearer(admin));
      expect({ q, status: res.status }).toEqual({ q, status: 400 });
    }
  });

  it('is written in the transaction of the change: a rolled-back change leaves no entry, a committed one does', async () => {
    const audit = t.get(AuditService);
    const tx = t.get(TransactionRunner);
    const marker = `webhook-${Date.now()}`;
    await expect(tx.run(async (uow) => {
      await audit.record(uow, { actor: { id: admin.id, name: admin.name }, clientAddress: null }, { action: 'WEBHOOK_CHANGED', targetType: 'WEBHOOK', targetId: marker });
      throw new Error('the change failed');
    })).rejects.toThrow('the change failed');
    expect((await entries(`targetId=${marker}`)).total).toBe(0);
    await tx.run((uow) => audit.record(uow, { actor: { id: admin.id, name: admin.name }, clientAddress: null }, { action: 'WEBHOOK_CHANGED', targetType: 'WEBHOOK', targetId: marker }));
    expect((await entries(`targetId=${marker}`)).items).toMatchObject([{ action: 'WEBHOOK_CHANGED', targetType: 'WEBHOOK', actorId: admin.id }]);
  });

  it('concurrent creates of one e-mail: one USER_CREATED entry, none for the refused ones', async () => {
    const email = `racer-${Date.now()}@test.local`;
    const results = await Promise.all(Array.from({ length: 4 }, (_, i) => t.http().post('/api/v1/users').set(...bearer(admin))
      .send({ email, name: `Racer ${i}`, role: 'VIEWER', password: 'racing passphrase' })));
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409, 409]);
    const rows = await t.sql(`SELECT 1 FROM audit_log WHERE action = 'USER_CREATED' AND detail->>'email' = $1`, [email]);
    expect(rows).toHaveLength(1);
  });

  it('the database refuses UPDATE, DELETE and TRUNCATE on the table', async () => {
    const before = await t.sql<{ n: string }>('SELECT count(*) AS n FROM audit_log');
    expect(Number(before[0].n)).toBeGreaterThan(0);
    await expect(t.sql(`UPDATE audit_log SET action = 'LOGOUT'`)).rejects.toThrow(/append-only/);
    await expect(t.sql('DELETE FROM audit_log')).rejects.toThrow(/append-only/);
    await expect(t.sql('TRUNCATE audit_log')).rejects.toThrow(/append-only/);
    expect(await t.sql<{ n: string }>('SELECT count(*) AS n FROM audit_log')).toEqual(before);
  });

  it('only an ADMIN reads it, and there is no route to change it', async () => {
    const viewer = await t.makeUser({ role: 'VIEWER' });
    await t.http().get('/api/v1/audit-log').set(...bearer(viewer)).expect(403);
    await t.http().get('/api/v1/audit-log').expect(401);
    for (const method of ['post', 'put', 'patch', 'delete'] as const) {
      const res = await t.http()[method]('/api/v1/audit-log').set(...bearer(admin));
      expect(res.status).toBe(404);
    }
  });
});
