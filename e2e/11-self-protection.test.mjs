// Self-protecting automation: a rule that keeps failing pauses itself and shows up paused (with the
// reason) in the rules list, where one click resumes it; a template from the gallery becomes a draft
// rule in one click and opens in the editor.
import assert from 'node:assert/strict';
import { Api, expectNone, expectText, scenario, unique, until } from './lib/harness.mjs';

scenario('a rule paused by the circuit breaker is shown with its reason and resumed with one click', async (s) => {
  const admin = await Api.login('admin');
  const helper = await admin.createUser('INVESTIGATOR', 'breaker');
  const scope = `BRK${Math.floor(Math.random() * 9000 + 1000)}`;
  const rule = await admin.post('/workflows/rules', {
    name: unique('E2E always failing'), triggerType: 'EVENT', triggerConfig: { event: 'case.created' }, scopeCodes: [scope],
    cooldownSeconds: 0, actions: [{ actionType: 'ASSIGN_USER', actionConfig: { userId: helper.id } }],
  });
  await admin.patch(`/users/${helper.id}`, { isActive: false });
  const page = await s.signIn('admin', '/workflows');
  const row = page.locator(`[data-testid="rule-row"][data-rule-id="${rule.id}"]`);
  await row.waitFor();

  // The server's default RULE_PAUSE_AFTER_FAILURES is 5. The open list shows the pause without a reload.
  for (let i = 0; i < 5; i++) await admin.createCase({ scopeCode: scope });
  await until('the rule to be paused', async () => (await admin.get(`/workflows/rules/${rule.id}`)).pausedAt !== null);
  const paused = row.getByTestId('rule-paused');
  await paused.waitFor();
  await expectText(paused, /paused/i);
  const reason = await paused.locator('.paused-chip').getAttribute('aria-label');
  assert.match(reason ?? '', /Paused after 5 consecutive failures/, 'the chip carries the reason');
  await s.shot(page, 'paused-rule');

  // The editor says so too, with the reason.
  await row.getByTestId('rule-link').click();
  await page.waitForURL(new RegExp(`/workflows/rules/${rule.id}$`));
  await expectText(page.getByTestId('rule-paused-reason'), /Paused after 5 consecutive failures; last error: ASSIGN_USER/);
  await s.shot(page, 'paused-rule-editor');
  await page.getByRole('link', { name: 'All rules' }).click();
  await page.waitForURL(/\/workflows$/);

  await row.getByTestId('rule-resume').click();
  await expectNone(row.getByTestId('rule-paused'), 'the paused chip');
  const resumed = await admin.get(`/workflows/rules/${rule.id}`);
  assert.equal(resumed.pausedAt, null, 'the server has it running again');
  await admin.delete(`/workflows/rules/${rule.id}`);
});

scenario('a template from the gallery is saved as a draft rule and opened in the editor', async (s) => {
  const admin = await Api.login('admin');
  const page = await s.signIn('admin', '/workflows');
  await page.getByTestId('new-from-template').click();
  await page.waitForURL(/\/workflows\/templates$/);
  const cards = page.getByTestId('template-card');
  await until('at least eight templates', async () => (await cards.count()) >= 8);
  await s.shot(page, 'template-gallery');
  await page.locator('[data-testid="template-card"][data-template-key="closure-note"]').getByTestId('template-use').click();
  await page.waitForURL(/\/workflows\/rules\/[0-9a-f-]{36}$/);
  await expectText(page.getByTestId('rule-editor-title'), /^\s*Closure note/, 'the editor shows the new rule');
  const id = page.url().split('/').pop();
  const saved = await admin.get(`/workflows/rules/${id}`);
  assert.equal(saved.isEnabled, false, 'a template becomes a draft');
  assert.equal(saved.triggerType, 'STATUS_CHANGE');
  await admin.delete(`/workflows/rules/${id}`);
});

scenario('admins reach the dead letters page from the navigation', async (s) => {
  const page = await s.signIn('admin', '/cases');
  await page.getByTestId('nav-dead-letters').click();
  await page.waitForURL(/\/dead-letters$/);
  // The demo installation has none: every event was processed.
  await page.getByTestId('dead-letters-empty').waitFor();
  await s.shot(page, 'dead-letters');
});
