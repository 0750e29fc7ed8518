// Webhooks end to end: the admin adds an endpoint (a receiver this test starts on 127.0.0.1) and copies its secret,
// a rule built in the editor calls it, a case changes, and the delivery shows SUCCEEDED in the deliveries table;
// the receiver checked the signature with the secret the page showed once.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import { Api, expectNone, expectText, goto, scenario, selectOption, selectOptions, unique, until } from './lib/harness.mjs';

function startReceiver() {
  const received = [];
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(200).end('ok');
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, received, url: `http://127.0.0.1:${server.address().port}/hook` })));
}

function signedWith(delivery, secret) {
  const [, t, v1] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(String(delivery.headers['x-auditcaseos-signature'])) ?? [];
  return !!t && createHmac('sha256', secret).update(`${t}.${delivery.body}`).digest('hex') === v1;
}

scenario('a rule calls a webhook added in the console, and the delivery shows SUCCEEDED', async (s) => {
  const admin = await Api.login('admin');
  const receiver = await startReceiver();
  try {
    const hookName = unique('E2E ticketing');
    const page = await s.signIn('admin', '/webhooks');
    await page.getByTestId('webhook-name').fill(hookName);
    await page.getByTestId('webhook-url').fill(receiver.url);
    await page.getByTestId('webhook-save').click();
    const secretText = page.getByTestId('webhook-secret');
    await secretText.waitFor();
    const secret = (await secretText.textContent()).trim();
    assert.match(secret, /^[0-9a-f]{64}$/);
    await s.shot(page, 'webhook-secret-shown-once');
    await page.getByTestId('webhook-secret-done').click();
    // The secret leaves the page once dismissed (the panel closes on the next render, not at the click itself).
    await expectNone(page.getByTestId('webhook-secret'), 'secret once dismissed');

    // The rule is built in the editor, picking the webhook from the list.
    const marker = unique('hooked').replace(' ', '-');
    const ruleName = unique('E2E call ticketing');
    await goto(page, '/workflows/rules/new');
    await page.getByTestId('rule-name').fill(ruleName);
    await selectOption(page, page.getByTestId('rule-trigger-type'), 'Status change');
    await selectOptions(page, page.getByTestId('trigger-to-status'), ['In progress'], { multiple: true });
    await page.getByTestId('add-condition').click();
    const condition = page.getByTestId('condition-row').first();
    await condition.waitFor();
    await selectOption(page, condition.getByTestId('condition-field'), 'title');
    await selectOption(page, condition.getByTestId('condition-op'), 'contains');
    await condition.getByTestId('condition-value').fill(marker);
    await page.getByTestId('add-action').click();
    const action = page.getByTestId('action-item').first();
    await selectOption(page, action.getByTestId('action-type'), 'Call webhook');
    await selectOption(page, action.getByTestId('action-webhook'), new RegExp(hookName));
    await page.getByTestId('rule-save-enable').click();
    await page.waitForURL(/\/workflows\/rules\/[0-9a-f-]{36}$/);

    const caseItem = await admin.createCase({ title: `Vendor onboarding ${marker}` });
    await admin.patch(`/cases/${caseItem.id}`, { status: 'IN_PROGRESS' });
    await until('the receiver to get the delivery', async () => receiver.received.length === 1, { timeout: 20_000 });
    const [delivery] = receiver.received;
    assert.ok(signedWith(delivery, secret), 'signed with the secret the console showed');
    const body = JSON.parse(delivery.body);
    assert.equal(body.case.id, caseItem.id);
    assert.equal(body.rule.name, ruleName);
    assert.equal(delivery.headers['x-auditcaseos-delivery'], body.deliveryId);

    // The deliveries table of that webhook says so.
    await goto(page, '/webhooks');
    await page.locator(`tr[data-webhook="${hookName}"]`).getByTestId('webhook-deliveries').click();
    const status = page.getByTestId('delivery-status').first();
    await until('the delivery to show SUCCEEDED', async () => {
      await page.getByTestId('deliveries-refresh').click();
      return ((await status.textContent()) ?? '').trim() === 'SUCCEEDED';
    }, { timeout: 15_000, interval: 500 });
    await expectText(page.getByTestId('delivery-section'), /200/, 'the response status');
    await s.shot(page, 'webhook-delivery-succeeded');
  } finally {
    await new Promise((resolve) => receiver.server.close(resolve));
  }
});
