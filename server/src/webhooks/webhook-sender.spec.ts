import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { signatureValid, WebhookReceiver } from '../../test/webhook-receiver';
import type { Resolver } from './webhook-address';
import { sendWebhook } from './webhook-sender';

describe('webhook sender', () => {
  const receiver = new WebhookReceiver();
  beforeAll(() => receiver.start());
  afterAll(() => receiver.stop());

  // A name no DNS knows, "resolving" to the loopback receiver: the request can only arrive through the checked lookup.
  const rebinding: Resolver = async () => [{ address: '127.0.0.1', family: 4 }];
  const urlByName = () => `http://hooks.rebind.invalid:${receiver.port}/hook`;

  it('refuses a name that resolves to 127.0.0.1 at send time when private addresses are not allowed, and sends nothing', async () => {
    const before = receiver.received.length;
    const result = await sendWebhook(urlByName(), 'd-1', '{}', 'secret', { timeoutMs: 2000, allowPrivate: false, resolve: rebinding });
    expect(result).toMatchObject({ ok: false, responseStatus: null, error: 'refused: hooks.rebind.invalid resolves to 127.0.0.1, a loopback address' });
    expect(receiver.received.length).toBe(before);
  });

  it('connects to the very address it checked, and signs the body', async () => {
    receiver.respondWith(204);
    const body = JSON.stringify({ hello: 'world' });
    const result = await sendWebhook(urlByName(), 'd-2', body, 'the-secret', { timeoutMs: 2000, allowPrivate: true, resolve: rebinding });
    expect(result).toMatchObject({ ok: true, responseStatus: 204, error: null });
    const [got] = receiver.forDelivery('d-2');
    expect(got.body).toBe(body);
    expect(signatureValid(got, 'the-secret')).toBe(true);
  });

  it('reports a failed answer with its status and body, and times out a silent receiver', async () => {
    receiver.respondWith(500);
    const failed = await sendWebhook(receiver.url, 'd-3', '{}', 's', { timeoutMs: 2000, allowPrivate: true });
    expect(failed).toMatchObject({ ok: false, responseStatus: 500, error: 'HTTP 500: receiver says 500' });
    receiver.respondWith('hang');
    const silent = await sendWebhook(receiver.url, 'd-4', '{}', 's', { timeoutMs: 300, allowPrivate: true });
    expect(silent).toMatchObject({ ok: false, responseStatus: null, error: 'no answer within 300 ms' });
    expect(silent.durationMs).toBeLessThan(1500);
    receiver.respondWith(200);
  });

  it('refuses a connection that is refused, with the reason', async () => {
    const closed = new WebhookReceiver();
    await closed.start();
    const url = closed.url;
    await closed.stop();
    const result = await sendWebhook(url, 'd-5', '{}', 's', { timeoutMs: 2000, allowPrivate: true });
    expect(result.ok).toBe(false);
    expect(result.error).toMatch(/ECONNREFUSED/);
  });
});
