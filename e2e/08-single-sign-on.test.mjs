// Single sign-on through a real OpenID provider (e2e/lib/oidc-peer.mjs, started by scripts/e2e.mjs): the login page
// offers the provider's button, the provider's own login page signs the person in, and the console opens with the
// role their groups give them.
import assert from 'node:assert/strict';
import { Api, BASE_URL, expectText, scenario } from './lib/harness.mjs';

async function throughProviderLoginPage(s, login, label = login) {
  const page = await s.newPage(label);
  await page.goto(`${BASE_URL}/login`);
  const button = page.getByTestId('login-sso');
  await expectText(button, /Sign in with Test IdP/);
  await button.click();
  // The provider's development login page (its own origin, its own form).
  await page.waitForURL((url) => !url.href.startsWith(BASE_URL), { waitUntil: 'domcontentloaded' });
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill('any-password');
  await s.shot(page, `${login}-provider-login`);
  await page.locator('button[type="submit"]').click();
  return page;
}

async function signInWithProvider(s, login) {
  const page = await throughProviderLoginPage(s, login);
  await page.waitForURL(/\/cases$/);
  await page.getByTestId('user-menu').waitFor();
  // The token travelled in the fragment of /login/callback: gone from the address bar and the history entry.
  assert.ok(!page.url().includes('token='), 'no token in the address bar');
  return page;
}

scenario('an admin of the identity provider signs in through it and lands in the console as ADMIN', async (s) => {
  const page = await signInWithProvider(s, 'olga');
  await expectText(page.getByTestId('user-menu'), /Olga Okta-Admin/);
  await page.getByTestId('nav-workflows').waitFor();
  await page.getByTestId('user-menu').click();
  await expectText(page.getByTestId('user-role'), 'ADMIN');
  await s.shot(page, 'olga-signed-in-as-admin');
  await page.keyboard.press('Escape');
  // A reload keeps the session, like a password sign-in.
  await page.reload();
  await page.getByTestId('nav-workflows').waitFor();
});

scenario('an investigator of the identity provider gets INVESTIGATOR, without the admin pages', async (s) => {
  const page = await signInWithProvider(s, 'ines');
  await page.getByTestId('cases-table').waitFor();
  assert.equal(await page.getByTestId('nav-workflows').count(), 0, 'no Workflows link');
  await page.getByTestId('user-menu').click();
  await expectText(page.getByTestId('user-role'), 'INVESTIGATOR');
  await s.shot(page, 'ines-signed-in-as-investigator');
});

scenario('a deactivated user of the identity provider is refused, and the login page says why', async (s) => {
  await signInWithProvider(s, 'victor');
  const admin = await Api.login('admin');
  const victor = await admin.userByEmail('victor.viewer@idp.test');
  assert.equal(victor.role, 'VIEWER');
  await admin.patch(`/users/${victor.id}`, { isActive: false });
  try {
    const page = await throughProviderLoginPage(s, 'victor', 'victor-again');
    await page.waitForURL(/\/login\?error=/);
    await expectText(page.getByTestId('login-error'), /deactivated/);
    await s.shot(page, 'deactivated-refused');
    assert.equal(await page.getByTestId('user-menu').count(), 0, 'not signed in');
  } finally {
    await admin.patch(`/users/${victor.id}`, { isActive: true });
  }
});
