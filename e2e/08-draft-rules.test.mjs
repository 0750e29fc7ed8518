// Safe authoring: an admin tests a new rule against a case before it was ever saved (the dry run of
// the editor's content), then saves it as a draft: it is stored disabled, and nothing ran.
import assert from 'node:assert/strict';
import { Api, expectText, scenario, selectOption, selectOptions, unique, until, draftReviewRule } from './lib/harness.mjs';

scenario('a new rule is dry-run before its first save and saved as a disabled draft', async (s) => {
  const admin = await Api.login('admin');
  const marker = unique('draft').replace(' ', '-');
  const caseItem = await admin.createCase({ title: `Draft target ${marker}` });
  const ruleName = unique('E2E draft rule');

  const page = await draftReviewRule(s, ruleName, 'draft-tested');

  // The dry run tab works before the first save and tests what is in the editor.
  await page.getByRole('tab', { name: 'Dry run' }).click();
  await page.getByTestId('dry-run-unsaved').waitFor();
  await page.getByTestId('dry-run-case').fill(marker);
  await page.getByTestId('dry-run-case-option').first().click();
  await page.getByTestId('dry-run').click();
  const result = page.getByTestId('dry-run-result');
  await result.waitFor();
  await expectText(page.getByTestId('dry-run-actions'), /draft-tested/, 'the tag the draft would add');
  await s.shot(page, 'draft-dry-run');
  assert.equal(await admin.ruleByName(ruleName), null, 'the dry run saved nothing');

  // "Save as draft" stores it disabled.
  await page.getByRole('tab', { name: 'Rule' }).click();
  await page.getByTestId('rule-save-draft').click();
  await page.waitForURL(/\/workflows\/rules\/[0-9a-f-]{36}$/);
  const saved = await admin.ruleByName(ruleName);
  assert.ok(saved, 'the draft is stored');
  assert.equal(saved.isEnabled, false, 'a draft is disabled');
  await until('the editor to show the saved rule disabled', async () => !(await page.getByTestId('rule-enabled').locator('button[role="switch"]').getAttribute('aria-checked')).includes('true'));
  const tags = (await admin.get(`/cases/${caseItem.id}`)).tags ?? [];
  assert.ok(!tags.includes('draft-tested'), 'nothing ran on the case');
});
