import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { bearer, eventually, startTestApp, type TestApp, type TestUser } from '../../test/harness';
import { signatureValid, WebhookReceiver } from '../../test/webhook-receiver';
import { historyFor, makeRule, patchCase, settle } from '../../test/workflow-fixtures';

describe('webhooks', () => {
  let t: TestApp;
  let admin: TestUser;
  let config: AppConfig;
  const receiver = new WebhookReceiver();
  let scopeN = 0;
  const freshScope = () => `W${Date.now().toString(36).toUpperCase().slice(-5)}${++scopeN}`;

  beforeAll(async () => {
    await receiver.start();
    // Loopback receivers need WEBHOOK_ALLOW_PRIVATE; short timeout and delays keep retries to seconds.
    t = await startTestApp({
      env: {
        WEBHOOK_ALLOW_PRIVATE: 'true', WEBHOOK_TIMEOUT_MS: '400', WEBHOOK_RETRY_BASE_MS: '50', WEBHOOK_RETRY_MAX_MS: '200',
        WEBHOOK_RETRY_WINDOW_MS: '2500', WEBHOOK_POLL_MS: '100',
      },
    });
    config = t.get<AppConfig>(APP_CONFIG);
    admin = await t.makeUser({ role: 'ADMIN', name: 'Ada Admin' });
  });
  afterAll(async () => {
    await t.close();
    await receiver.stop();
  });

  const api = () => ({
    post: (path: string, body?: object) => t.http().post(`/api/v1${path}`).set(...bearer(admin)).send(body),
    get: (path: string) => t.http().get(`/api/v1${path}`).set(...bearer(admin)),
    patch: (path: string, body: object) => t.http().patch(`/api/v1${path}`).set(...bearer(admin)).send(body),
    delete: (path: string) => t.http().delete(`/api/v1${path}`).set(...bearer(admin)),
  });

  async function makeWebhook(url = receiver.url, name = `hook ${randomUUID().slice(0, 8)}`): Promise<{ id: string; name: string; secret: string }> {
    const res = await api().post('/webhooks', { name, url });
    expect(res.status).toBe(201);
    return res.body;
  }

  /** A rule that calls `webhookId` when a case of a fresh scope goes to IN_PROGRESS; returns the case to move. */
  async function ruleAndCase(webhookId: string): Promise<{ rule: any; caseId: string }> {
    const scope = freshScope();
    const rule = await makeRule(t, admin, {
      name: `call ${scope}`, scopeCodes: [scope], triggerType: 'STATUS_CHANGE', triggerConfig: { toStatus: ['IN_PROGRESS'] },
      actions: [{ actionType: 'CALL_WEBHOOK', actionConfig: { webhookId } }],
    });
    const c = await t.makeCase(admin, { scopeCode: scope, title: 'Vendor payments' });
    return { rule, caseId: c.id };
  }

  async function deliveryOf(webhookId: string, until: (d: any) => boolean, what: string): Promise<any> {
    return eventually(async () => {
      const res = await api().get(`/webhooks/${webhookId}/deliveries`);
      return res.body.items.find(until);
    }, 15_000, what);
  }

  it('manages endpoints: the secret is shown once, kept encrypted, rotated; names are unique', async () => {
    const created = await api().post('/webhooks', { name: 'Ticketing', url: receiver.url });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'Ticketing', url: receiver.url, isEnabled: true });
    expect(created.body.secret).toMatch(/^[0-9a-f]{64}$/);
    const id = created.body.id;

    const read = await api().get(`/webhooks/${id}`);
    expect(read.status).toBe(200);
    expect(Object.keys(read.body).sort()).toEqual(['createdAt', 'id', 'isEnabled', 'name', 'updatedAt', 'url']);
    expect((await api().get('/webhooks')).body.items.map((w: any) => w.id)).toContain(id);
    const [row] = await t.sql<{ secret_encrypted: Buffer }>('SELECT secret_encrypted FROM webhooks WHERE id = $1', [id]);
    expect(row.secret_encrypted.includes(Buffer.from(created.body.secret))).toBe(false);

    expect((await api().post('/webhooks', { name: 'ticketing', url: receiver.url })).status).toBe(409);
    expect((await api().post('/webhooks', { name: 'x', url: receiver.url, extra: 1 })).status).toBe(400);

    const renamed = await api().patch(`/webhooks/${id}`, { name: 'Ticketing 2', isEnabled: false });
    expect(renamed.body).toMatchObject({ name: 'Ticketing 2', isEnabled: false });
    const rotated = await api().post(`/webhooks/${id}/rotate-secret`);
    expect(rotated.status).toBe(200);
    expect(Object.keys(rotated.body)).toEqual(['secret']);
    expect(rotated.body.secret).not.toBe(created.body.secret);

    expect((await api().delete(`/webhooks/${id}`)).status).toBe(204);
    expect((await api().get(`/webhooks/${id}`)).status).toBe(404);
    expect((await api().post(`/webhooks/${id}/rotate-secret`)).status).toBe(404);
  });

  it('refuses loopback and metadata destinations at save unless WEBHOOK_ALLOW_PRIVATE, naming the reason', async () => {
    const port = receiver.port;
    config.webhooks.allowPrivate = false;
    try {
      for (const url of [`http://127.0.0.1:${port}/`, `http://localhost:${port}/`, `http://[::1]:${port}/`, `http://127.1:${port}/`,
        `http://0x7f000001:${port}/`, `http://[::ffff:127.0.0.1]:${port}/`, 'http://metadata.google.internal/']) {
        const res = await api().post('/webhooks', { name: `bad ${url}`, url });
        expect({ url, status: res.status }).toEqual({ url, status: 400 });
        expect(res.body.message.join()).toMatch(/is a (loopback address|cloud metadata host)/);
      }
      expect((await api().post('/webhooks', { name: 'ftp', url: 'ftp://example.com/' })).body.message).toEqual(['url: must use http or https']);
      const allowedLater = await makeWebhookWith(true);
      const patched = await api().patch(`/webhooks/${allowedLater}`, { url: `http://localhost:${port}/other` });
      expect(patched.status).toBe(400);
      expect(patched.body.message).toEqual(['url: localhost is a loopback address']);
    } finally {
      config.webhooks.allowPrivate = true;
    }
    expect((await api().post('/webhooks', { name: `loopback ${randomUUID()}`, url: `http://localhost:${port}/` })).status).toBe(201);
  });

  async function makeWebhookWith(allowPrivate: boolean): Promise<string> {
    const before = config.webhooks.allowPrivate;
    config.webhooks.allowPrivate = allowPrivate;
    try {
      return (await makeWebhook()).id;
    } finally {
      config.webhooks.allowPrivate = before;
    }
  }

  it('rejects CALL_WEBHOOK naming no webhook at save; the dry run says what it would call', async () => {
    const missing = randomUUID();
    const res = await api().post('/workflows/rules', {
      name: `bad hook ${missing}`, triggerType: 'EVENT', triggerConfig: { event: 'case.created' },
      actions: [{ actionType: 'CALL_WEBHOOK', actionConfig: { webhookId: missing } }],
    });
    expect(res.status).toBe(400);
    expect(res.body.message).toEqual([`actions[0].actionConfig.webhookId: no webhook with id ${missing}`]);
    const malformed = await api().post('/workflows/rules', {
      name: `bad hook 2 ${missing}`, triggerType: 'EVENT', triggerConfig: { event: 'case.created' },
      actions: [{ actionType: 'CALL_WEBHOOK', actionConfig: { webhookId: 'nope', url: 'x' } }],
    });
    expect(malformed.body.message).toEqual(expect.arrayContaining(['actions[0].actionConfig.url: unknown property', 'actions[0].actionConfig.webhookId: must be a webhook id (UUID)']));

    const hook = await makeWebhook();
    const { rule, caseId } = await ruleAndCase(hook.id);
    const dry = await api().post(`/workflows/rules/${rule.id}/test`, { caseId, event: { name: 'case.status_changed', toStatus: 'IN_PROGRESS' } });
    expect(dry.body.actions).toEqual([{ actionType: 'CALL_WEBHOOK', wouldDo: `call webhook ${hook.name} (POST ${receiver.url})` }]);
  });

  it('queues one signed delivery per run, sends it after commit and retries 500s and timeouts with the same id', async () => {
    const hook = await makeWebhook();
    const { rule, caseId } = await ruleAndCase(hook.id);
    receiver.respondWith(500, 'hang', 200);
    // What the receiver can see in the database when a request arrives: the run's history row is committed.
    receiver.inspect = async (body) => (await historyFor(t, { ruleId: body?.rule?.id, caseId: body?.case?.id })).length;
    await patchCase(t, admin, caseId, { status: 'IN_PROGRESS' });
    await settle(t);

    const delivery = await deliveryOf(hook.id, (d) => d.status === 'SUCCEEDED', 'the delivery to succeed');
    receiver.inspect = undefined;
    const [run] = await historyFor(t, { ruleId: rule.id });
    expect(run.actions_executed).toEqual([{ actionType: 'CALL_WEBHOOK', success: true, detail: `queued delivery ${delivery.id} to ${hook.name}`, durationMs: expect.any(Number) }]);
    expect(await t.sql('SELECT id FROM webhook_deliveries WHERE rule_id = $1', [rule.id])).toEqual([{ id: delivery.id }]);

    const requests = receiver.forDelivery(delivery.id);
    expect(requests).toHaveLength(3);
    expect(requests.every((r) => r.seen === 1)).toBe(true);
    expect(requests.every((r) => signatureValid(r, hook.secret))).toBe(true);
    expect(signatureValid(requests[0], 'not-the-secret')).toBe(false);
    const [first] = requests;
    expect(first.headers['content-type']).toBe('application/json');
    expect(Object.keys(first.json)).toEqual(['deliveryId', 'event', 'rule', 'case']);
    expect(first.json).toMatchObject({
      deliveryId: delivery.id, event: { id: run.event_id, name: 'case.status_changed', occurredAt: expect.any(String) },
      rule: { id: rule.id, name: rule.name }, case: { id: caseId, status: 'IN_PROGRESS', title: 'Vendor payments' },
    });
    expect(delivery).toMatchObject({ attempts: 3, responseStatus: 200, lastError: null, deliveredAt: expect.any(String) });

    // Redeliver: the same id again, on request.
    const again = await api().post(`/webhook-deliveries/${delivery.id}/redeliver`);
    expect(again.status).toBe(202);
    await eventually(async () => receiver.forDelivery(delivery.id).length === 4, 10_000, 'the redelivery');
    expect(signatureValid(receiver.forDelivery(delivery.id)[3], hook.secret)).toBe(true);
    await deliveryOf(hook.id, (d) => d.id === delivery.id && d.status === 'SUCCEEDED' && d.attempts === 4, 'the redelivery recorded');
    expect((await api().post(`/webhook-deliveries/${randomUUID()}/redeliver`)).status).toBe(404);
  });

  it('marks a delivery FAILED once the retry window is spent, never follows redirects, and lists newest first', async () => {
    const failing = new WebhookReceiver();
    await failing.start();
    try {
      const hook = await makeWebhook(failing.url);
      const { caseId } = await ruleAndCase(hook.id);
      failing.respondWith({ redirectTo: `${receiver.url}/elsewhere` }, 500);
      await patchCase(t, admin, caseId, { status: 'IN_PROGRESS' });
      const failed = await deliveryOf(hook.id, (d) => d.status === 'FAILED', 'the delivery to fail');
      expect(failed.attempts).toBeGreaterThanOrEqual(3);
      expect(failed).toMatchObject({ responseStatus: 500, lastError: 'HTTP 500: receiver says 500', deliveredAt: null });
      expect(receiver.received.filter((r) => r.json?.deliveryId === failed.id)).toHaveLength(0);
      expect(failing.forDelivery(failed.id)).toHaveLength(failed.attempts);

      failing.respondWith(200);
      await api().post(`/webhook-deliveries/${failed.id}/redeliver`).expect(202);
      const revived = await deliveryOf(hook.id, (d) => d.id === failed.id && d.status === 'SUCCEEDED', 'the redelivery of a FAILED one');
      expect(revived.attempts).toBe(failed.attempts + 1);

      const page = await api().get(`/webhooks/${hook.id}/deliveries?limit=1`);
      expect(page.body).toMatchObject({ total: 1, items: [{ id: failed.id }] });
    } finally {
      await failing.stop();
    }
  });

  it('a disabled or deleted webhook fails the action with the reason and queues nothing', async () => {
    const hook = await makeWebhook();
    const { rule, caseId } = await ruleAndCase(hook.id);
    await api().patch(`/webhooks/${hook.id}`, { isEnabled: false }).expect(200);
    await patchCase(t, admin, caseId, { status: 'IN_PROGRESS' });
    await settle(t);
    const [run] = await historyFor(t, { ruleId: rule.id });
    expect(run.actions_executed[0]).toMatchObject({ actionType: 'CALL_WEBHOOK', success: false, detail: `webhook ${hook.name} is disabled` });
    expect(await t.sql('SELECT id FROM webhook_deliveries WHERE webhook_id = $1', [hook.id])).toEqual([]);
  });

  it('checks the destination again at send time: a URL saved while private addresses were allowed is refused once they are not', async () => {
    const hook = await makeWebhook();
    const { caseId } = await ruleAndCase(hook.id);
    const before = receiver.received.length;
    config.webhooks.allowPrivate = false;
    try {
      await patchCase(t, admin, caseId, { status: 'IN_PROGRESS' });
      const refused = await deliveryOf(hook.id, (d) => d.attempts >= 2, 'refused attempts');
      expect(refused).toMatchObject({ status: 'PENDING', responseStatus: null, lastError: 'refused: 127.0.0.1 is a loopback address' });
      expect(receiver.received.length).toBe(before);
    } finally {
      config.webhooks.allowPrivate = true;
    }
  });

  it('a claim whose worker died before sending expires and the delivery is sent by another worker, once, with its id', async () => {
    const hook = await makeWebhook();
    const id = randomUUID();
    const payload = { deliveryId: id, event: { id: randomUUID(), name: 'case.updated', occurredAt: new Date().toISOString() }, rule: { id: randomUUID(), name: 'r' }, case: {} };
    // Exactly the row a claim leaves behind when its process is killed before the HTTP call: leased, attempt counted.
    const leasedAt = Date.now();
    await t.sql(
      `INSERT INTO webhook_deliveries (id, webhook_id, payload, attempts, round_attempts, lease_until, lease_token)
       VALUES ($1, $2, $3, 1, 1, clock_timestamp() + interval '1 second', $4)`, [id, hook.id, JSON.stringify(payload), randomUUID()]);
    const done = await deliveryOf(hook.id, (d) => d.id === id && d.status === 'SUCCEEDED', 'the orphaned delivery');
    const got = receiver.forDelivery(id);
    expect(got).toHaveLength(1);
    expect(got[0].receivedAt - leasedAt).toBeGreaterThanOrEqual(900);
    expect(signatureValid(got[0], hook.secret)).toBe(true);
    expect(done.attempts).toBe(2);
  });

  it('only admins manage webhooks', async () => {
    const investigator = await t.makeUser({ role: 'INVESTIGATOR' });
    expect((await t.http().get('/api/v1/webhooks').set(...bearer(investigator))).status).toBe(403);
    expect((await t.http().get('/api/v1/webhooks')).status).toBe(401);
  });
});
