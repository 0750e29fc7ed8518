// Safe authoring: an admin writes a new rule and, before saving it, backtests it over the last week:
// a progress bar while it replays, then totals, a bar per day, the actions and a linked sample case.
import assert from 'node:assert/strict';
import { Api, expectText, scenario, selectOption, selectOptions, unique, draftReviewRule } from './lib/harness.mjs';

scenario('a new rule is backtested over the recorded events before it is ever saved', async (s) => {
  const admin = await Api.login('admin');
  const marker = unique('backtest').replace(' ', '-');
  const tag = `bt-${marker.slice(-6).toLowerCase()}`;
  // Recorded events for the rule to find: cases that went to review, one of them with the marker tag.
  const target = await admin.createCase({ title: `Backtest target ${marker}`, tags: [tag] });
  await admin.patch(`/cases/${target.id}`, { status: 'UNDER_REVIEW' });
  const other = await admin.createCase({ title: `Backtest other ${marker}` });
  await admin.patch(`/cases/${other.id}`, { status: 'UNDER_REVIEW' });
  const ruleName = unique('E2E backtest rule');

  const page = await draftReviewRule(s, ruleName, 'backtested');

  await page.getByRole('tab', { name: 'Backtest' }).click();
  await page.getByTestId('backtest-unsaved').waitFor();
  await selectOption(page, page.getByTestId('backtest-days'), 'Last 7 days');
  await page.getByTestId('backtest-run').click();
  const result = page.getByTestId('backtest-result');
  await result.waitFor();
  const matched = Number((await page.getByTestId('backtest-matched').textContent()).replace(/\D/g, ''));
  assert.ok(matched >= 2, `at least the two status changes matched (got ${matched})`);
  await expectText(page.getByTestId('backtest-headline'), /would have fired on/);
  assert.ok(await page.getByTestId('backtest-chart').locator('.col').count() >= 7, 'a bar per day of the week');
  await expectText(page.getByTestId('backtest-actions'), /Add tag/i);
  await expectText(page.getByTestId('backtest-notes'), /as they are now/);
  const sample = page.getByTestId('backtest-samples').getByRole('link', { name: target.caseNumber });
  await sample.waitFor();
  await s.shot(page, 'backtest-result');
  assert.equal(await admin.ruleByName(ruleName), null, 'the backtest saved nothing');
  const tags = (await admin.get(`/cases/${target.id}`)).tags ?? [];
  assert.ok(!tags.includes('backtested'), 'nothing ran on the case');
  // A sample opens its case in a new tab, so the unsaved rule stays open here.
  assert.match(await sample.getAttribute('href'), new RegExp(`/cases/${target.id}$`));
  assert.equal(await sample.getAttribute('target'), '_blank');
});
