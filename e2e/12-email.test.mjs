// E-mail end to end: a user chooses in Settings to get URGENT notifications by mail and the rest in an hourly digest
// (saved, still there after a reload); a rule's URGENT notification arrives at the real SMTP server that
// scripts/e2e.mjs started (e2e/lib/smtp-peer.mjs), with the case link, while the HIGH one waits for the digest;
// the admin's E-mail page lists the mail as SENT to that user.
import assert from 'node:assert/strict';
import { readMails } from './lib/smtp-peer.mjs';
import { Api, expectText, scenario, selectOption, unique, until } from './lib/harness.mjs';

scenario('e-mail preferences in Settings decide what is mailed; the admin sees the delivery', async (s) => {
  const admin = await Api.login('admin');
  const user = await admin.createUser('INVESTIGATOR', 'mail');
  const marker = unique('mail').replace(' ', '-');
  const conditions = [{ field: 'title', op: 'contains', value: marker }];
  const notify = (priority) => ({
    actionType: 'SEND_NOTIFICATION',
    actionConfig: { recipients: [user.id], title: `${priority} mail on {{case.caseNumber}}`, message: `A ${priority} notification`, priority },
  });
  await admin.post('/workflows/rules', {
    name: unique('E2E urgent mail'), triggerType: 'STATUS_CHANGE', triggerConfig: { toStatus: ['IN_PROGRESS'], conditions }, actions: [notify('URGENT')],
  });
  await admin.post('/workflows/rules', {
    name: unique('E2E high mail'), triggerType: 'STATUS_CHANGE', triggerConfig: { toStatus: ['UNDER_REVIEW'], conditions }, actions: [notify('HIGH')],
  });

  // --- Settings → E-mail.
  const page = await s.signIn(user, '/settings');
  const section = page.getByTestId('settings-email');
  const minPriority = page.getByTestId('settings-email-min-priority');
  const digest = page.getByTestId('settings-email-digest');
  await expectText(minPriority, 'High and above');
  await expectText(digest, 'No e-mail');
  await selectOption(page, minPriority, 'Urgent and above');
  await selectOption(page, digest, 'In an hourly digest');
  await s.shot(page, 'email-settings-chosen');
  await page.getByTestId('settings-save').click();
  await page.locator('.mat-mdc-snack-bar-label').filter({ hasText: 'Notification settings saved' }).first().waitFor();
  await page.reload();
  await expectText(page.getByTestId('settings-email-min-priority'), 'Urgent and above');
  await expectText(page.getByTestId('settings-email-digest'), 'In an hourly digest');
  assert.equal(await section.getByTestId('settings-email-enabled').locator('button[role="switch"]').getAttribute('aria-checked'), 'true');
  const prefs = await (await Api.login(user)).get('/notifications/preferences');
  assert.deepEqual(prefs.email, { enabled: true, minPriority: 'URGENT', onlyWhenOffline: false, digest: 'HOURLY' });

  // --- A rule's URGENT notification is mailed; the HIGH one is not (it waits for the digest).
  const caseItem = await admin.createCase({ title: `Expense claims ${marker}` });
  await admin.patch(`/cases/${caseItem.id}`, { status: 'IN_PROGRESS' });
  await admin.patch(`/cases/${caseItem.id}`, { status: 'UNDER_REVIEW' });
  const mine = () => readMails().filter((m) => m.to.includes(user.email));
  await until('the URGENT mail to arrive', async () => mine().length >= 1, { timeout: 20_000 });
  const [mail] = mine();
  assert.equal(mail.subject, `[URGENT] URGENT mail on ${caseItem.caseNumber}`);
  assert.ok(mail.text.includes(`/cases/${caseItem.id}`), 'links to the case');
  assert.ok(mail.text.includes('/settings'), 'links to the settings page');
  await new Promise((r) => setTimeout(r, 1500));
  assert.equal(mine().length, 1, 'the HIGH notification is kept for the hourly digest, not mailed');

  // --- The admin's E-mail page.
  const adminPage = await s.signIn('admin', '/cases');
  await adminPage.getByTestId('nav-email').click();
  await adminPage.waitForURL(/\/email$/);
  const row = adminPage.locator('tr', { has: adminPage.getByTestId('email-recipient').filter({ hasText: user.email }) });
  await until('the mail to show SENT', async () => {
    await adminPage.getByTestId('email-refresh').click();
    return (await row.count()) === 1 && ((await row.getByTestId('email-status').textContent()) ?? '').trim() === 'SENT';
  }, { timeout: 20_000 });
  await expectText(row.getByTestId('email-attempts'), '1');
  await s.shot(adminPage, 'email-deliveries');
});
