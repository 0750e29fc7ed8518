// Password lifecycle and the audit log in the console (CONTRACT §10): an admin's reset with the temporary password
// shown once, the forced change at the next sign-in, the account page's live password rules and "sign out
// everywhere", and the audit page's filters.
import assert from 'node:assert/strict';
import { Api, BASE_URL, confirmDialog, expectText, scenario, selectOption, until } from './lib/harness.mjs';

async function passwordSignIn(page, email, password) {
  await page.goto(`${BASE_URL}/login`);
  await page.getByTestId('login-email').fill(email);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
}

scenario('a reset password is shown once, and its owner must change it before anything else', async (s) => {
  const admin = await Api.login('admin');
  const user = await admin.createUser('INVESTIGATOR', 'reset');
  const page = await s.signIn('admin', `/users?q=${encodeURIComponent(user.email)}`);
  const row = page.locator(`[data-testid="user-row"][data-email="${user.email}"]`);
  await row.getByTestId('user-actions').click();
  await page.getByTestId('user-reset-password').click();
  await confirmDialog(page);
  const shown = page.getByTestId('temporary-password');
  await shown.waitFor();
  const temporary = (await shown.textContent()).trim();
  assert.ok(temporary.length >= 12, 'a temporary password is shown');
  await expectText(page.getByRole('dialog'), /must choose a new password at their next sign-in/);
  await page.getByTestId('copy-password').click();
  await s.shot(page, 'temporary-password-once');
  await page.getByTestId('temporary-password-done').click();

  const theirs = await s.newPage('reset-user');
  await passwordSignIn(theirs, user.email, temporary);
  await theirs.waitForURL(/\/change-password$/);
  // Every other page leads back here until the password is changed.
  await theirs.goto(`${BASE_URL}/cases`);
  await theirs.waitForURL(/\/change-password$/);
  const fresh = `Brand new ${Date.now().toString(36)} phrase`;
  await theirs.getByTestId('current-password').fill(temporary);
  await theirs.getByTestId('new-password').fill(fresh);
  await theirs.getByTestId('confirm-password').fill(fresh);
  await theirs.getByTestId('change-password-submit').click();
  await theirs.waitForURL(/\/cases$/);
  await Api.login({ email: user.email, password: fresh });
});

scenario('the account page explains the password rules as you type, and signs out everywhere', async (s) => {
  const admin = await Api.login('admin');
  const user = await admin.createUser('VIEWER', 'account');
  const page = await s.signIn(user, '/account');
  const other = await s.signIn({ ...user, label: 'account-other-tab' });

  await page.getByTestId('new-password').fill('password');
  await expectText(page.getByTestId('password-strength'), 'Too weak');
  await until('the length rule fails', async () => (await page.getByTestId('rule-length').getAttribute('class'))?.includes('failed'));
  await page.getByTestId('new-password').fill(user.email);
  await until('the e-mail rule fails', async () => (await page.getByTestId('rule-not-email').getAttribute('class'))?.includes('failed'));
  await page.getByTestId('new-password').fill('violet tractor sings at noon');
  await until('every rule holds', async () => (await page.locator('[data-testid^="rule-"].failed').count()) === 0);
  await s.shot(page, 'password-rules-met');

  await page.getByTestId('logout-all').click();
  await confirmDialog(page);
  await page.waitForURL(/\/login/);
  // The other tab's token has ended too: its next request sends it to the login page.
  await other.goto(`${BASE_URL}/cases`);
  await other.waitForURL(/\/login/);
});

scenario('the audit page lists who changed whom, filtered by action', async (s) => {
  const admin = await Api.login('admin');
  const user = await admin.createUser('VIEWER', 'audited');
  await admin.patch(`/users/${user.id}`, { role: 'INVESTIGATOR' });
  const page = await s.signIn('admin', '/audit');
  await page.getByTestId('audit-table').waitFor();
  await selectOption(page, page.getByTestId('audit-filter-action'), 'USER_UPDATED');
  await page.getByTestId('audit-filter-target').fill(user.id);
  await until('the role change is listed', async () => (await page.getByTestId('audit-row').count()) >= 1);
  await expectText(page.getByTestId('audit-row').first(), /INVESTIGATOR/);
  assert.equal(await page.getByTestId('audit-row').count(), 1);
  await s.shot(page, 'audit-filtered');
});
