// Notification preferences: a user raises the minimum toast priority to HIGH on the settings page;
// it survives a reload, and afterwards a NORMAL notification only raises the bell count while a HIGH
// one still pops up.
import assert from 'node:assert/strict';
import { Api, expectAttribute, expectBellCount, expectText, scenario, selectOption, unique, until, recordToasts } from './lib/harness.mjs';

scenario('min toast priority HIGH is saved, survives a reload, and silences NORMAL toasts but not the bell', async (s) => {
  const admin = await Api.login('admin');
  const user = await admin.createUser('INVESTIGATOR', 'prefs');
  const marker = unique('prefs').replace(' ', '-');
  const conditions = [{ field: 'title', op: 'contains', value: marker }];
  const notify = (priority) => ({
    actionType: 'SEND_NOTIFICATION',
    actionConfig: { recipients: [user.id], title: `${priority} news on {{case.caseNumber}}`, message: `A ${priority} notification`, priority },
  });
  await admin.post('/workflows/rules', {
    name: unique('E2E normal note'),
    triggerType: 'STATUS_CHANGE',
    triggerConfig: { toStatus: ['IN_PROGRESS'], conditions },
    actions: [notify('NORMAL')],
  });
  await admin.post('/workflows/rules', {
    name: unique('E2E high note'),
    triggerType: 'STATUS_CHANGE',
    triggerConfig: { toStatus: ['UNDER_REVIEW'], conditions },
    actions: [notify('HIGH')],
  });
  const caseItem = await admin.createCase({ title: `Travel policy ${marker}` });

  // --- The settings page.
  const page = await s.signIn(user, '/settings');
  await page.context().addInitScript(recordToasts);
  const minPriority = page.getByTestId('settings-min-priority');
  await expectText(minPriority, 'Low and above');
  const save = page.getByTestId('settings-save');
  assert.equal(await save.isDisabled(), true, 'nothing to save yet');
  await selectOption(page, minPriority, 'High and above');
  await save.click();
  await page.locator('.mat-mdc-snack-bar-label').filter({ hasText: 'Notification settings saved' }).first().waitFor();
  await until('the form to be saved (Save disabled again)', () => save.isDisabled());
  await s.shot(page, 'settings-saved-high');

  // Reloaded: still HIGH (from the server, not from the page's memory).
  await page.reload();
  await page.getByTestId('user-menu').waitFor();
  await expectText(minPriority, 'High and above');
  const stored = await (await Api.login({ email: user.email, password: user.password })).get('/notifications/preferences');
  assert.equal(stored.minToastPriority, 'HIGH');
  await s.shot(page, 'settings-after-reload');

  // --- Notifications arrive while the user looks at the cases.
  await page.getByTestId('nav-cases').click();
  await page.getByTestId('cases-table').waitFor();
  await expectAttribute(page.getByTestId('live-indicator'), 'data-connected', 'true');
  await expectBellCount(page, 0);

  // NORMAL: counted in the bell, no toast.
  await admin.patch(`/cases/${caseItem.id}`, { status: 'IN_PROGRESS' });
  await expectBellCount(page, 1);
  // HIGH: a toast. Socket events arrive in order, so once it shows, the NORMAL one has had its chance to toast.
  await admin.patch(`/cases/${caseItem.id}`, { status: 'UNDER_REVIEW' });
  const highToast = page.getByTestId('toast').filter({ hasText: `HIGH news on ${caseItem.caseNumber}` });
  await highToast.waitFor();
  await expectBellCount(page, 2);
  await s.shot(page, 'high-toast-only');
  const shown = await page.evaluate(() => window.__e2eToasts);
  assert.ok(shown.some((t) => t.includes(`HIGH news on ${caseItem.caseNumber}`)), `toasts seen: ${JSON.stringify(shown)}`);
  assert.ok(!shown.some((t) => t.includes('NORMAL news')), `no NORMAL toast; toasts seen: ${JSON.stringify(shown)}`);

  // Both are in the bell.
  await page.getByTestId('notification-bell').click();
  const normalItem = page.getByTestId('notification-item').filter({ hasText: `NORMAL news on ${caseItem.caseNumber}` });
  await normalItem.waitFor();
  await expectText(normalItem.getByTestId('notification-priority'), 'NORMAL');
  assert.equal(await normalItem.getAttribute('data-read'), 'false');
  await page.getByTestId('notification-item').filter({ hasText: `HIGH news on ${caseItem.caseNumber}` }).waitFor();
  await s.shot(page, 'bell-has-both');
});
