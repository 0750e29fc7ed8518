// Themes, accessibility and the user's clock: the main pages in the light and the dark theme, at desktop and
// phone width, pass axe-core's WCAG 2 A/AA rules without a serious or critical violation; a saved dark theme
// is painted before the console's script runs; the login page lists the demo accounts and one
// click fills the form; a time on the case page follows the user's 12/24-hour and time zone settings.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { Api, BASE_URL, expectAttribute, goto, scenario, until } from './lib/harness.mjs';

const AXE_PATH = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/** Runs axe-core in the page; returns the serious and critical violations, one line each. */
async function seriousViolations(page) {
  if (!(await page.evaluate(() => typeof window.axe !== 'undefined'))) await page.addScriptTag({ path: AXE_PATH });
  const result = await page.evaluate(() => window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa'] } }));
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} — ${v.nodes.slice(0, 3).map((n) => `${n.target.join(' ')} (${(n.failureSummary ?? '').replace(/\s+/g, ' ').slice(0, 160)})`).join('; ')}`);
}

/** Waits until the page shows what it is about (no loading bar), then checks it. */
async function checkPage(s, page, theme, name, ready) {
  await ready.waitFor();
  await until(`${name} to finish loading`, async () => (await page.locator('mat-progress-bar').count()) === 0);
  // Material's ripples and entry animations settle before colours are measured.
  await page.waitForTimeout(300);
  await s.shot(page, `${theme}-${name}`);
  const problems = await seriousViolations(page);
  return problems.map((p) => `[${theme}] ${name}: ${p}`);
}

/** 'dark' or 'light', from what the page actually paints: the lightness of the body's background. */
async function paintedTheme(page) {
  const rgb = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  const [r, g, b] = rgb.match(/[\d.]+/g).map(Number);
  return 0.2126 * r + 0.7152 * g + 0.0722 * b < 128 ? 'dark' : 'light';
}

scenario('login, cases, case, rules, rule editor, history and settings pass axe in light and dark', async (s) => {
  const root = await Api.login('admin');
  const admin = await root.createUser('ADMIN', 'axe');
  const api = await Api.login(admin);
  const caseItem = await root.createCase({ title: 'Accessibility check case', severity: 'CRITICAL' });
  await root.patch(`/cases/${caseItem.id}`, { status: 'IN_PROGRESS', tags: ['a11y'] });
  const rules = await root.get('/workflows/rules?limit=1');
  const ruleId = (rules.items ?? rules)[0].id;

  const problems = [];
  for (const theme of ['light', 'dark']) {
    // The login page, signed out: it follows the system's preference (emulated), there being no user yet.
    // bypassCSP: axe-core is injected as a script the console's Content-Security-Policy would rightly refuse.
    const anonymous = await s.newPage(`anonymous-${theme}`, { colorScheme: theme, bypassCSP: true });
    await anonymous.goto(`${BASE_URL}/login`);
    assert.equal(await paintedTheme(anonymous), theme, `the login page follows the system's ${theme} preference`);
    problems.push(...await checkPage(s, anonymous, theme, 'login', anonymous.getByTestId('demo-accounts')));

    // Signed in: the theme is the user's setting, kept on the server. The system says the opposite, so the
    // setting is seen to win.
    await api.put('/users/me/settings', { theme });
    const page = await s.signIn({ ...admin, label: `admin-${theme}` }, '/cases', { context: { colorScheme: theme === 'dark' ? 'light' : 'dark', bypassCSP: true } });
    await expectAttribute(page.locator('html'), 'data-theme', theme);
    assert.equal(await paintedTheme(page), theme, `the user's ${theme} setting wins over the system`);
    problems.push(...await checkPage(s, page, theme, 'cases', page.locator('table tr.mat-mdc-row').first()));
    await goto(page, `/cases/${caseItem.id}`);
    problems.push(...await checkPage(s, page, theme, 'case', page.getByTestId('case-created-at')));
    await goto(page, '/workflows');
    problems.push(...await checkPage(s, page, theme, 'rules', page.locator('table tr.mat-mdc-row').first()));
    await goto(page, `/workflows/rules/${ruleId}`);
    problems.push(...await checkPage(s, page, theme, 'rule-editor', page.locator('form').first()));
    await goto(page, '/history');
    problems.push(...await checkPage(s, page, theme, 'history', page.locator('table').first()));
    await goto(page, '/settings');
    problems.push(...await checkPage(s, page, theme, 'settings', page.getByTestId('display-settings')));
    for (const [path, name] of [['/users', 'users'], ['/audit', 'audit'], ['/webhooks', 'webhooks'], ['/account', 'account']]) {
      await goto(page, path);
      problems.push(...await checkPage(s, page, theme, name, page.locator('h1').first()));
    }

    // Phone size: the same user, 390 px wide.
    await page.setViewportSize({ width: 390, height: 844 });
    await goto(page, '/cases');
    problems.push(...await checkPage(s, page, theme, 'phone-cases', page.locator('h1').first()));
    await goto(page, `/cases/${caseItem.id}`);
    problems.push(...await checkPage(s, page, theme, 'phone-case', page.getByTestId('case-created-at')));
    await anonymous.setViewportSize({ width: 390, height: 844 });
    await anonymous.goto(`${BASE_URL}/login`);
    problems.push(...await checkPage(s, anonymous, theme, 'phone-login', anonymous.getByTestId('demo-accounts')));
  }
  assert.deepEqual(problems, [], `serious or critical accessibility violations:\n${problems.join('\n')}`);
}, { timeout: 300_000 });

scenario('a saved dark theme is painted before the console\'s script runs (no light flash)', async (s) => {
  const page = await s.newPage('returning', { colorScheme: 'light' });
  await page.context().addInitScript(() => localStorage.setItem('auditcaseos.display', JSON.stringify({ theme: 'dark', timeFormat: '24h', timeZone: null })));
  // The application's scripts never arrive: what shows is the stylesheet and theme-init.js alone.
  await page.route(/\/(main|polyfills|chunk)-[^/]*\.js$/, (route) => route.abort());
  await page.goto(`${BASE_URL}/login`);
  await page.waitForTimeout(500);
  assert.equal(await page.getByTestId('login-email').count(), 0, 'the console did not start');
  assert.equal(await page.locator('html').getAttribute('data-theme'), 'dark');
  assert.equal(await paintedTheme(page), 'dark');
});

scenario('the login page lists the demo accounts; choosing one fills the form and signs in', async (s) => {
  const page = await s.newPage('newcomer');
  await page.goto(`${BASE_URL}/login`);
  const demo = page.getByTestId('demo-accounts');
  await demo.waitFor();
  assert.match(await demo.innerText(), /demo/i);
  assert.match(await demo.innerText(), /vera@auditcaseos\.local/);
  await page.getByTestId('demo-account-vera@auditcaseos.local').click();
  assert.equal(await page.getByTestId('login-email').inputValue(), 'vera@auditcaseos.local');
  assert.equal(await page.getByTestId('login-password').inputValue(), 'Viewer123!');
  await page.getByTestId('login-submit').click();
  await page.getByTestId('user-menu').waitFor();
  await s.shot(page, 'signed-in-as-demo-viewer');
});

/** "hh:mm:ss" (12-hour: "h:mm:ss") of `iso` in `timeZone` on a 24- or 12-hour clock, as Intl writes it. */
function clock(iso, timeZone, hourCycle) {
  const hour = hourCycle === 'h12' ? 'numeric' : '2-digit';
  return new Intl.DateTimeFormat('en-GB', { timeZone, hour, minute: '2-digit', second: '2-digit', hourCycle })
    .formatToParts(new Date(iso)).filter((p) => ['hour', 'minute', 'second'].includes(p.type)).map((p) => p.value).join(':');
}

scenario('switching the clock and the time zone in Settings changes the times on the case page', async (s) => {
  const root = await Api.login('admin');
  const user = await root.createUser('INVESTIGATOR', 'clock');
  const caseItem = await root.createCase({ title: 'Clock check case' });
  const created = page => page.getByTestId('case-created-at');

  const page = await s.signIn(user, `/cases/${caseItem.id}`);
  await (await Api.login(user)).put('/users/me/settings', { timeFormat: '24h', timeZone: 'UTC' });
  await page.reload();
  await until('the UTC 24-hour time', async () => (await created(page).innerText()).includes(clock(caseItem.createdAt, 'UTC', 'h23')));
  assert.doesNotMatch(await created(page).innerText(), /[ap]m/i);
  const before = await created(page).innerText();
  await s.shot(page, 'case-utc-24h');

  // Settings: 12 hours, Australia/Adelaide (UTC+9:30 or +10:30, so the minutes move too).
  await goto(page, '/settings');
  await page.getByTestId('settings-time-format-12h').click();
  await page.locator('.mat-mdc-snack-bar-label').filter({ hasText: 'Display settings saved' }).first().waitFor();
  const zone = page.getByTestId('settings-display-timezone');
  await zone.fill('Australia/Adel');
  await page.getByRole('option', { name: 'Australia/Adelaide' }).click();
  await until('the zone to be saved', async () => (await (await Api.login(user)).get('/users/me/settings')).timeZone === 'Australia/Adelaide');
  await s.shot(page, 'settings-12h-adelaide');

  await goto(page, `/cases/${caseItem.id}`);
  const expected = clock(caseItem.createdAt, 'Australia/Adelaide', 'h12');
  await until(`the Adelaide 12-hour time ${expected}`, async () => (await created(page).innerText()).includes(expected));
  const after = await created(page).innerText();
  assert.match(after, /[ap]m/i, 'a 12-hour clock says am or pm');
  assert.notEqual(after, before);
  // The account menu switches the theme too, and it is saved for this user.
  await page.getByTestId('user-menu').click();
  await page.getByTestId('menu-theme-dark').click();
  await expectAttribute(page.locator('html'), 'data-theme', 'dark');
  await until('the dark theme to be saved', async () => (await (await Api.login(user)).get('/users/me/settings')).theme === 'dark');
  assert.equal(await paintedTheme(page), 'dark');
  // The timeline follows the same setting.
  const timelineTime = page.locator('app-case-timeline time').first();
  if (await timelineTime.count()) assert.match(await timelineTime.innerText(), /[ap]m/i);
  await s.shot(page, 'case-adelaide-12h');
});
