// Non-admins never reach the workflow pages (no nav links, guarded routes), and a VIEWER reads cases
// without any way to change them.
import assert from 'node:assert/strict';
import { Api, BASE_URL, USERS, expectNone, expectText, goto, scenario } from './lib/harness.mjs';

const ADMIN_ONLY_PATHS = ['/workflows', '/workflows/rules/new', '/workflows/templates', '/history', '/dead-letters'];

async function assertNoAdminPages(s, page, who) {
  // The side navigation offers cases and settings only.
  await page.getByTestId('nav-cases').waitFor();
  await page.getByTestId('nav-settings').waitFor();
  assert.equal(await page.getByTestId('nav-workflows').count(), 0, `${who} sees no Workflows link`);
  assert.equal(await page.getByTestId('nav-history').count(), 0, `${who} sees no History link`);
  assert.equal(await page.getByTestId('nav-dead-letters').count(), 0, `${who} sees no Dead letters link`);
  await expectText(page.getByTestId('user-menu'), new RegExp(USERS[who].name), `${who}'s name in the toolbar`);

  // Typing an admin URL lands on the cases list instead, with no rule or history table on the way.
  for (const path of ADMIN_ONLY_PATHS) {
    await goto(page, path);
    await page.waitForURL(/\/cases$/);
    await page.getByTestId('cases-table').waitFor();
    assert.equal(await page.getByTestId('rules-table').count(), 0);
    assert.equal(await page.getByTestId('history-table').count(), 0);
    assert.equal(await page.getByTestId('rule-name').count(), 0);
    assert.equal(await page.getByTestId('dead-letters').count(), 0);
    assert.equal(await page.getByTestId('template-gallery').count(), 0);
  }
  await s.shot(page, `${who}-redirected-to-cases`);
}

scenario('an investigator and a viewer cannot reach /workflows or /history', async (s) => {
  // Signed out: the guarded page asks for a sign-in and remembers where the user wanted to go…
  const ivanPage = await s.newPage('ivan');
  await ivanPage.goto(`${BASE_URL}/history`);
  await ivanPage.waitForURL(/\/login\?returnUrl=%2Fhistory$/);
  await s.shot(ivanPage, 'signed-out-history-asks-for-login');
  await ivanPage.getByTestId('login-email').fill(USERS.ivan.email);
  await ivanPage.getByTestId('login-password').fill(USERS.ivan.password);
  await ivanPage.getByTestId('login-submit').click();
  // …but an investigator is not let in there after signing in either.
  await ivanPage.waitForURL(/\/cases$/);
  await ivanPage.getByTestId('cases-table').waitFor();
  await assertNoAdminPages(s, ivanPage, 'ivan');

  const veraPage = await s.signIn('vera');
  await assertNoAdminPages(s, veraPage, 'vera');

  // The API agrees (the console is not the only guard).
  for (const who of ['ivan', 'vera']) {
    const api = await Api.login(who);
    for (const path of ['/workflows/rules', '/workflows/history', '/workflows/stats']) {
      await assert.rejects(api.get(path), (err) => err.status === 403, `${who} GET ${path} → 403`);
    }
  }
});

scenario('a viewer sees a case read-only', async (s) => {
  const admin = await Api.login('admin');
  // A case with a rule-made timeline entry: the demo's critical escalation rule tagged it "escalated".
  const cases = (await admin.get('/cases?tag=escalated&scopeCode=IT')).items;
  assert.ok(cases.length > 0, 'the demo data has an escalated IT case');
  const target = cases[0];

  const page = await s.signIn('vera');
  assert.equal(await page.getByTestId('new-case').count(), 0, 'no New case button for a viewer');
  await page.getByTestId('cases-filter-q').fill(target.caseNumber);
  const row = page.locator(`[data-testid="case-row"][data-case-id="${target.id}"]`);
  await row.waitFor();
  await expectNone(page.locator(`[data-testid="case-row"]:not([data-case-id="${target.id}"])`), 'other cases');
  await row.click();
  await page.waitForURL(new RegExp(`/cases/${target.id}$`));

  await expectText(page.getByTestId('case-number'), target.caseNumber);
  await expectText(page.getByTestId('case-title'), target.title);
  await page.getByTestId('read-only-badge').waitFor();
  await expectText(page.getByTestId('read-only-badge'), /Read only/);
  // Nothing to change with: no edit form, no save, no upload.
  for (const id of ['case-edit-status', 'case-edit-severity', 'case-edit-assignee', 'case-edit-tags', 'case-save', 'evidence-choose', 'evidence-upload', 'evidence-file-input']) {
    assert.equal(await page.getByTestId(id).count(), 0, `no ${id} for a viewer`);
  }
  // The timeline is readable; the rule's entry says "by rule" but links nowhere (rules are admin pages).
  const timeline = page.getByTestId('case-timeline');
  await timeline.getByTestId('timeline-entry').first().waitFor();
  const byRule = timeline.getByTestId('timeline-entry').filter({ hasText: 'by rule' });
  await byRule.first().waitFor();
  assert.equal(await page.getByTestId('timeline-rule-link').count(), 0, 'no link to the rule for a viewer');
  // No Automation tab (admin only).
  assert.equal(await page.getByRole('tab', { name: 'Automation' }).count(), 0);
  await s.shot(page, 'vera-case-read-only');

  await page.getByRole('tab', { name: 'Evidence' }).click();
  await page.getByTestId('evidence-empty').or(page.getByTestId('evidence-table')).waitFor();
  assert.equal(await page.getByTestId('evidence-upload').count(), 0);
  await s.shot(page, 'vera-evidence-read-only');
});
