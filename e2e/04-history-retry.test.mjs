// Retry from the history page: a rule that assigns a deactivated user fails (shown live, with the
// reason); once the user is active again, Retry creates a new successful run linked to the failed one.
import assert from 'node:assert/strict';
import { Api, expectText, scenario, unique, until } from './lib/harness.mjs';

scenario('a failed run is retried from the history page and the new run links to it', async (s) => {
  const admin = await Api.login('admin');
  const helper = await admin.createUser('INVESTIGATOR', 'retry');
  const marker = unique('retry-me').replace(' ', '-');
  const rule = await admin.post('/workflows/rules', {
    name: unique('E2E assign on review'),
    triggerType: 'STATUS_CHANGE',
    triggerConfig: { toStatus: ['IN_PROGRESS'], conditions: [{ field: 'title', op: 'contains', value: marker }] },
    cooldownSeconds: 0,
    actions: [{ actionType: 'ASSIGN_USER', actionConfig: { userId: helper.id } }],
  });
  const caseItem = await admin.createCase({ title: `Vendor master data ${marker}` });
  await admin.patch(`/users/${helper.id}`, { isActive: false });

  // The admin watches the history, filtered to this rule; the dashboard card has its first numbers.
  const page = await s.signIn('admin', `/history?ruleId=${rule.id}`);
  await page.getByTestId('history-empty').waitFor();
  const stats = page.getByTestId('history-stats');
  await page.locator('[data-testid="history-stats"][data-loaded="true"]').waitFor();
  const failuresCard = stats.getByTestId('history-stats-failures');
  const failuresBefore = Number(await failuresCard.getAttribute('data-value'));
  assert.equal(failuresBefore, (await admin.get('/workflows/stats')).failuresLastHour);
  await expectText(failuresCard, new RegExp(`^${failuresBefore}\\s+failures \\(last hour\\)`), 'the failure count');
  await expectText(stats.getByTestId('history-stats-lag'), /s\s+outbox lag/, 'the outbox lag');
  await expectText(stats.getByTestId('history-stats-runs'), /^\d+\s+runs \/ min/, 'runs per minute');

  // The rule fires while its user is inactive: a failed row appears live, saying why.
  await admin.patch(`/cases/${caseItem.id}`, { status: 'IN_PROGRESS' });
  const failed = page.locator('[data-testid="history-row"][data-outcome="failed"]');
  await failed.waitFor();
  assert.equal(await page.getByTestId('history-row').count(), 1);
  const failedId = await failed.getAttribute('data-history-id');
  await expectText(failed.getByTestId('history-case-link'), caseItem.caseNumber);
  await failed.getByTestId('history-expand').click();
  const detail = page.getByTestId('history-detail');
  await expectText(detail, /inactive|deactivated|not active/i, 'the reason: the user is inactive');
  assert.equal(await detail.getByTestId('history-action-outcome').getAttribute('data-success'), 'false');
  // The card counts the failure without waiting for its 10 s refresh: a live row re-reads it.
  await until('the failure count to rise live', async () => Number(await failuresCard.getAttribute('data-value')) >= failuresBefore + 1, { timeout: 5_000 });
  assert.equal(await failuresCard.getAttribute('data-level'), 'bad');
  assert.ok(Number(await stats.getByTestId('history-stats-runs').getAttribute('data-value')) >= 1, 'at least this run in the last minute');
  await s.shot(page, 'failed-run-expanded');

  // Reactivate the user, then Retry from the console.
  await admin.patch(`/users/${helper.id}`, { isActive: true });
  await failed.getByTestId('history-retry').click();
  await page.locator('.mat-mdc-snack-bar-label').filter({ hasText: 'Retried: the new run succeeded' }).first().waitFor();

  const retried = page.locator('[data-testid="history-row"][data-outcome="success"]');
  await retried.waitFor();
  const retriedId = await retried.getAttribute('data-history-id');
  assert.notEqual(retriedId, failedId);
  assert.equal(await page.getByTestId('history-row').count(), 2, 'the failed run stays, the retry is a new row');
  // Newest first: the retry is above the failed run.
  assert.equal(await page.getByTestId('history-row').first().getAttribute('data-history-id'), retriedId);
  await retried.getByTestId('history-expand').click();
  const retriedDetail = page.getByTestId('history-detail');
  await expectText(retriedDetail, new RegExp(`Retry of run ${failedId}`), 'the link to the original run');
  assert.equal(await retriedDetail.getByTestId('history-action-outcome').getAttribute('data-success'), 'true');
  await s.shot(page, 'retried-run-linked');

  // The retry really assigned the case.
  const after = await admin.get(`/cases/${caseItem.id}`);
  assert.equal(after.assigneeId, helper.id);
  const rows = await admin.history({ ruleId: rule.id });
  assert.equal(rows.length, 2);
  const retryRow = rows.find((r) => r.id === retriedId);
  assert.equal(retryRow.retryOf, failedId);

  // A run that succeeded offers no Retry; the failed one now says it was retried instead of offering it again.
  assert.equal(await retried.getByTestId('history-retry').count(), 0);
  await failed.getByTestId('history-retried').waitFor();
  assert.equal(await failed.getByTestId('history-retry').count(), 0);
  await until('the history page still shows both rows after a reload', async () => {
    await page.reload();
    await page.getByTestId('history-row').first().waitFor();
    return (await page.getByTestId('history-row').count()) === 2;
  });
  await failed.getByTestId('history-retried').waitFor();
  await s.shot(page, 'history-after-reload');
});
