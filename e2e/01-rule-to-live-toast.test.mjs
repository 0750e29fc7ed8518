// An admin builds a STATUS_CHANGE rule in the rule editor; when a case of Ivan's goes to UNDER_REVIEW,
// Ivan (another browser) gets the toast and a higher bell count, and the admin's history page shows
// the run live, with the action's outcome when expanded.
import assert from 'node:assert/strict';
import {
  Api,
  USERS,
  expectBellCount,
  expectText,
  scenario,
  selectOption,
  selectOptions,
  unique,
  until,
  withRuleDisabled,
} from './lib/harness.mjs';

const DEMO_REVIEW_RULE = 'Notify the assignee when a case goes to review';

scenario('an admin-built STATUS_CHANGE rule notifies the assignee live and shows up in the live history', async (s) => {
  const admin = await Api.login('admin');
  const ivan = await admin.userByEmail(USERS.ivan.email);
  // The demo data has its own "to review" notification rule: keep it out of the way so Ivan's only toast is ours.
  const restoreDemoRule = await withRuleDisabled(admin, DEMO_REVIEW_RULE);
  try {
    const marker = unique('ledger').replace(' ', '-');
    const caseItem = await admin.createCase({ title: `Ledger review ${marker}`, assigneeId: ivan.id });
    const ruleName = unique('E2E review alert');

    // --- The admin builds the rule through the UI.
    const adminPage = await s.signIn('admin', '/workflows');
    await adminPage.getByTestId('new-rule').click();
    await adminPage.waitForURL(/\/workflows\/rules\/new$/);
    await expectText(adminPage.getByTestId('rule-editor-title'), 'New rule');
    await adminPage.getByTestId('rule-name').fill(ruleName);
    await adminPage.getByTestId('rule-description').fill('Built by the browser tests');
    await selectOption(adminPage, adminPage.getByTestId('rule-trigger-type'), 'Status change');
    await selectOptions(adminPage, adminPage.getByTestId('trigger-to-status'), ['Under review'], { multiple: true });
    await expectText(adminPage.getByTestId('rule-trigger-preview'), /UNDER_REVIEW|Under review/i, 'trigger preview naming UNDER_REVIEW');

    // Only for this test's case (title contains the marker) and only audits: two conditions.
    const conditions = adminPage.getByTestId('condition-row');
    await adminPage.getByTestId('add-condition').click();
    await until('one condition row', async () => (await conditions.count()) === 1);
    await selectOption(adminPage, conditions.nth(0).getByTestId('condition-field'), 'title');
    await selectOption(adminPage, conditions.nth(0).getByTestId('condition-op'), 'contains');
    await conditions.nth(0).getByTestId('condition-value').fill(marker);
    await adminPage.getByTestId('add-condition').click();
    await until('two condition rows', async () => (await conditions.count()) === 2);
    await selectOption(adminPage, conditions.nth(1).getByTestId('condition-field'), 'caseType');
    await selectOption(adminPage, conditions.nth(1).getByTestId('condition-op'), 'is one of');
    await selectOptions(adminPage, conditions.nth(1).getByTestId('condition-value'), ['Audit'], { multiple: true });
    await expectText(adminPage.getByTestId('rule-trigger-preview'), /all of 2 conditions/, 'trigger preview counting the conditions');

    await adminPage.getByTestId('add-action').click();
    const action = adminPage.getByTestId('action-item').first();
    await action.waitFor();
    assert.equal(await adminPage.getByTestId('action-item').count(), 1);
    await selectOption(adminPage, action.getByTestId('action-type'), 'Send notification');
    await selectOptions(adminPage, action.getByTestId('action-recipients'), ['The case assignee'], { multiple: true });
    await selectOption(adminPage, action.getByTestId('action-priority'), 'High');
    const title = action.getByTestId('action-title');
    await title.fill('Review needed: ');
    await title.press('End');
    await action.getByTestId('action-title-variables').click();
    await adminPage.locator('[data-testid="template-variable"][data-variable="case.caseNumber"]').click();
    await adminPage.locator('.mat-mdc-menu-panel').waitFor({ state: 'detached' });
    assert.equal(await title.inputValue(), 'Review needed: {{case.caseNumber}}');
    await action.getByTestId('action-message').fill('{{case.title}} waits for your review.');
    await s.shot(adminPage, 'rule-editor-filled');

    await adminPage.getByTestId('rule-save-enable').click();
    await adminPage.waitForURL(/\/workflows\/rules\/[0-9a-f-]{36}$/);
    await expectText(adminPage.getByTestId('rule-editor-title'), ruleName);
    const ruleId = adminPage.url().split('/').pop();

    // The rule is listed, with its trigger summary.
    await adminPage.getByRole('link', { name: 'All rules' }).click();
    const row = adminPage.locator(`[data-testid="rule-row"][data-rule-id="${ruleId}"]`);
    await row.waitFor();
    await expectText(row.getByTestId('rule-link'), ruleName);
    await expectText(row.getByTestId('rule-trigger-summary'), /UNDER_REVIEW|Under review/i, 'trigger summary');
    await s.shot(adminPage, 'rules-table');

    // --- The admin watches the history; Ivan works on his cases in a second browser.
    await adminPage.getByTestId('nav-history').click();
    await adminPage.waitForURL(/\/history$/);
    await adminPage.getByTestId('history-table').waitFor();
    await adminPage.evaluate(() => {
      window.__e2eNoReload = true;
    });
    const ivanPage = await s.signIn('ivan', '/cases');
    await ivanPage.getByTestId('case-row').first().waitFor();
    const { count: countBefore } = await (await Api.login('ivan')).get('/notifications/unread-count');
    await expectBellCount(ivanPage, countBefore);
    await s.shot(ivanPage, 'ivan-cases-before');

    // --- The change (through the API, as another admin would make it).
    await admin.patch(`/cases/${caseItem.id}`, { status: 'UNDER_REVIEW' });

    // Ivan: a HIGH toast titled with the case number, and the bell count one higher.
    const toast = ivanPage.getByTestId('toast').filter({ hasText: `Review needed: ${caseItem.caseNumber}` });
    await toast.waitFor();
    assert.equal(await toast.getAttribute('data-priority'), 'HIGH');
    await expectText(toast, new RegExp(`waits for your review`), 'toast message');
    await expectBellCount(ivanPage, countBefore + 1);
    // His case list shows the new status live, too.
    const caseRow = ivanPage.locator(`[data-testid="case-row"][data-case-id="${caseItem.id}"]`);
    await expectText(caseRow.getByTestId('case-status'), 'Under review');
    await s.shot(ivanPage, 'ivan-toast-and-badge');

    // The same notification is in Ivan's bell, unread.
    await ivanPage.getByTestId('notification-bell').click();
    const item = ivanPage.getByTestId('notification-item').filter({ hasText: `Review needed: ${caseItem.caseNumber}` });
    await item.waitFor();
    await expectText(item.getByTestId('notification-priority'), 'HIGH');
    assert.equal(await item.getAttribute('data-read'), 'false');
    await s.shot(ivanPage, 'ivan-bell-open');
    await ivanPage.keyboard.press('Escape');
    await item.waitFor({ state: 'detached' });

    // "Open" on the toast goes to the case and marks the notification read: the count drops back.
    // (The toast's buttons sit beside its text, in the same snackbar.)
    await ivanPage.locator('.mat-mdc-snack-bar-container').filter({ has: toast }).getByTestId('toast-open').click();
    await ivanPage.waitForURL(new RegExp(`/cases/${caseItem.id}$`));
    await expectText(ivanPage.getByTestId('case-number'), caseItem.caseNumber);
    await expectBellCount(ivanPage, countBefore);
    await s.shot(ivanPage, 'ivan-opened-case-from-toast');

    // The admin's history page: the new run appears without a reload; expanding it shows the action outcome.
    const run = adminPage.getByTestId('history-row').filter({ hasText: ruleName });
    await run.waitFor();
    assert.equal(await adminPage.evaluate(() => window.__e2eNoReload), true, 'the history page was not reloaded');
    assert.equal(await run.getAttribute('data-outcome'), 'success');
    await expectText(run.getByTestId('history-case-link'), caseItem.caseNumber);
    await run.getByTestId('history-expand').click();
    const detail = adminPage.getByTestId('history-detail');
    await detail.waitFor();
    const outcome = detail.getByTestId('history-action-outcome');
    await expectText(outcome, /Send notification/, 'the action type');
    assert.equal(await outcome.getAttribute('data-success'), 'true');
    await expectText(detail.getByTestId('history-trigger-data'), /UNDER_REVIEW/, 'trigger data');
    await s.shot(adminPage, 'history-live-row-expanded');

    // And the server agrees about what ran.
    const rows = await until('one history row of the rule', async () => {
      const items = await admin.history({ ruleId, caseId: caseItem.id });
      return items.length ? items : null;
    });
    assert.equal(rows.length, 1);
  } finally {
    await restoreDemoRule();
  }
});
