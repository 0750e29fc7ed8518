// Rule revisions: edit a rule twice in the editor, compare two revisions side by side on the
// Revisions tab (changed lines highlighted), and restore the first one.
import assert from 'node:assert/strict';
import { Api, confirmDialog, expectAttribute, expectText, scenario, unique, until } from './lib/harness.mjs';

/** Background colour of an element, as the browser computed it. */
function background(locator) {
  return locator.evaluate((el) => getComputedStyle(el).backgroundColor);
}
const TRANSPARENT = /^(transparent|rgba\(0, 0, 0, 0\))$/;

scenario('the revisions tab compares two revisions side by side and restores one', async (s) => {
  const admin = await Api.login('admin');
  const originalName = unique('E2E revisions');
  const rule = await admin.post('/workflows/rules', {
    name: originalName,
    description: 'First version',
    triggerType: 'STATUS_CHANGE',
    triggerConfig: { toStatus: ['CLOSED'], conditions: [{ field: 'title', op: 'contains', value: 'never-matches-e2e' }] },
    priority: 150,
    actions: [{ actionType: 'CREATE_TIMELINE', actionConfig: { message: 'Closed ({{rule.name}})' } }],
  });

  const page = await s.signIn('admin', `/workflows/rules/${rule.id}`);
  await expectText(page.getByTestId('rule-editor-title'), originalName);
  const save = page.getByTestId('rule-save');

  async function saveAndWait(expectedTitle) {
    await save.click();
    await page.locator('simple-snack-bar, .mat-mdc-snack-bar-label').filter({ hasText: `${expectedTitle} saved` }).first().waitFor();
    await until('the form to be saved (Save disabled again)', () => save.isDisabled());
  }

  // Edit 1: the description.
  await page.getByTestId('rule-description').fill('Second version: clearer wording');
  await saveAndWait(originalName);
  // Edit 2: priority and cooldown.
  await page.getByTestId('rule-priority').fill('42');
  await page.getByTestId('rule-cooldown').fill('60');
  await saveAndWait(originalName);
  await s.shot(page, 'rule-edited-twice');

  // The Revisions tab: create + two edits, newest first, the newest marked current.
  await page.getByRole('tab', { name: 'Revisions' }).click();
  const items = page.getByTestId('revision-item');
  await until('three revisions listed', async () => (await items.count()) === 3);
  const numbers = await items.evaluateAll((els) => els.map((el) => Number(el.getAttribute('data-revision'))));
  assert.deepEqual(numbers, [...numbers].sort((a, b) => b - a), 'newest first');
  const [newest, middle, first] = numbers;
  await expectText(items.first(), /current/, 'the newest revision marked current');

  // By default the two newest are compared: the priority and cooldown lines differ (and the update time),
  // not the description.
  const diff = page.getByTestId('revision-diff');
  await diff.waitFor();
  await expectText(page.getByTestId('revision-change-count'), /^\d+ changed lines?$/, 'a change count');
  await expectText(diff.locator('.diff-head'), new RegExp(`#${middle}\\s+#${newest}`), 'the two newest compared');
  const newestChanges = (await diff.locator('.diff-row[data-kind="changed"]').allInnerTexts()).join('\n');
  assert.match(newestChanges, /"priority": 150[\s\S]*"priority": 42/);
  assert.match(newestChanges, /"cooldownSeconds": 300[\s\S]*"cooldownSeconds": 60/);
  assert.doesNotMatch(newestChanges, /description/);

  // Compare the first revision (left) with the newest (right).
  await page.locator(`[data-testid="revision-item"][data-revision="${first}"] [data-testid="revision-compare-left"]`).click();
  await expectAttribute(page.locator(`[data-testid="revision-item"][data-revision="${first}"] [data-testid="revision-compare-left"]`), 'aria-pressed', 'true');
  await expectText(page.getByTestId('revision-left'), new RegExp(`^#${first}\\b`), `left select shows #${first}`);
  await expectText(page.getByTestId('revision-right'), new RegExp(`^#${newest}\\b`), `right select shows #${newest}`);
  await expectText(diff.locator('.diff-head'), new RegExp(`#${first}\\s+#${newest}`), 'diff header names both revisions');

  // Side by side: the changed lines hold the old value on the left and the new one on the right, highlighted.
  const changed = diff.locator('.diff-row[data-kind="changed"]');
  await until('changed rows', async () => (await changed.count()) >= 3);
  const changedText = (await changed.allInnerTexts()).join('\n');
  assert.match(changedText, /"description": "First version"[\s\S]*"description": "Second version: clearer wording"/);
  assert.match(changedText, /"priority": 150[\s\S]*"priority": 42/);
  assert.match(changedText, /"cooldownSeconds": 300[\s\S]*"cooldownSeconds": 60/);
  const changeCount = Number((await page.getByTestId('revision-change-count').innerText()).match(/\d+/)[0]);
  assert.ok(changeCount >= 3, `at least 3 changed lines, got ${changeCount}`);
  const changedRow = changed.first();
  const sameRow = diff.locator('.diff-row[data-kind="same"]').first();
  const [oldSide, newSide, plainSide] = await Promise.all([
    background(changedRow.locator('.side').first()),
    background(changedRow.locator('.side').last()),
    background(sameRow.locator('.side').first()),
  ]);
  assert.doesNotMatch(oldSide, TRANSPARENT, 'the old side of a changed line is highlighted');
  assert.doesNotMatch(newSide, TRANSPARENT, 'the new side of a changed line is highlighted');
  assert.notEqual(oldSide, newSide, 'old and new sides are told apart by colour');
  assert.match(plainSide, TRANSPARENT, 'unchanged lines are not highlighted');
  await s.shot(page, 'revisions-diff-first-vs-newest');

  // "Only changed lines" hides the unchanged ones.
  await page.getByRole('switch', { name: 'Only changed lines' }).click();
  await until('only changed rows shown', async () => (await diff.locator('.diff-row[data-kind="same"]').count()) === 0);
  assert.equal(await diff.locator('.diff-row').count(), changeCount);

  // Restore the first revision: the form shows it again and a new revision records the restore.
  await page.locator(`[data-testid="revision-item"][data-revision="${first}"] [data-testid="revision-restore"]`).click();
  await confirmDialog(page);
  await page.locator('.mat-mdc-snack-bar-label').filter({ hasText: `Revision ${first} restored` }).first().waitFor();
  await until('four revisions listed', async () => (await items.count()) === 4);
  assert.ok(Number(await items.first().getAttribute('data-revision')) > newest, 'the restore is the newest revision');
  assert.ok(middle > first);
  await s.shot(page, 'revision-restored');

  await page.getByRole('tab', { name: 'Rule' }).click();
  await until('priority back to 150', async () => (await page.getByTestId('rule-priority').inputValue()) === '150');
  assert.equal(await page.getByTestId('rule-description').inputValue(), 'First version');
  assert.equal(await page.getByTestId('rule-cooldown').inputValue(), '300');
  const stored = await admin.get(`/workflows/rules/${rule.id}`);
  assert.equal(stored.priority, 150);
  assert.equal(stored.description, 'First version');
  assert.equal(stored.cooldownSeconds, 300);
  await s.shot(page, 'rule-form-after-restore');
});
