// The users page (ADMIN): create a user, change their role and scopes, deactivate them after a confirmation that
// says what happens — and the deactivated user's open session ends.
import assert from 'node:assert/strict';
import { Api, BASE_URL, confirmDialog, dialogOpened, expectText, scenario, selectOption, unique } from './lib/harness.mjs';

scenario('an admin creates a user, changes their role, and deactivates them with a confirmation', async (s) => {
  const page = await s.signIn('admin', '/users');
  await page.getByTestId('users-table').waitFor();
  const tag = unique('u').split(' ').pop();
  const email = `people-${tag}@auditcaseos.test`;
  const password = `Fresh-${tag}-passphrase`;

  await page.getByTestId('user-create').click();
  await dialogOpened(page);
  await page.getByTestId('user-email').fill(email);
  await page.getByTestId('user-name').fill(`Pat ${tag}`);
  await selectOption(page, page.getByTestId('user-role-select'), 'VIEWER');
  await page.getByTestId('user-password').fill(password);
  await page.getByTestId('user-scopes').fill('legal');
  await page.getByTestId('user-scopes').press('Enter');
  await expectText(page.getByTestId('user-scope-chip'), /LEGAL/);
  await s.shot(page, 'create-user-dialog');
  await page.getByTestId('user-save').click();

  const row = page.locator(`[data-testid="user-row"][data-email="${email}"]`);
  await row.waitFor();
  await expectText(row.getByTestId('user-row-role'), 'VIEWER');
  await expectText(row.getByTestId('user-row-scopes'), 'LEGAL');

  // The new user signs in in their own browser.
  const theirs = await s.signIn({ email, password, label: 'pat' });

  await row.getByTestId('user-actions').click();
  await page.getByTestId('user-edit').click();
  await dialogOpened(page);
  await selectOption(page, page.getByTestId('user-role-select'), 'INVESTIGATOR');
  await page.getByTestId('user-save').click();
  await expectText(row.getByTestId('user-row-role'), 'INVESTIGATOR');

  await row.getByTestId('user-actions').click();
  await page.getByTestId('user-deactivate').click();
  const dialog = page.getByRole('dialog');
  await expectText(dialog, /sessions and live connections end now/);
  await expectText(dialog, /automation stops assigning or notifying them/);
  await s.shot(page, 'deactivate-confirmation');
  await confirmDialog(page);
  await expectText(row.getByTestId('user-row-status'), /Deactivated/);

  // The API agrees, and their token no longer works.
  const admin = await Api.login('admin');
  const stored = await admin.userByEmail(email);
  assert.equal(stored.role, 'INVESTIGATOR');
  assert.equal(stored.isActive, false);
  await assert.rejects(Api.login({ email, password }), (err) => err.status === 401);
  await theirs.goto(`${BASE_URL}/cases`);
  await theirs.waitForURL(/\/login/);
});
