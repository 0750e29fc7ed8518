// Rule export and import from the rules page: the exported file names every rule, and importing a
// file adds its rules all at once (a clash adds none and says why).
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { Api, expectText, scenario, unique } from './lib/harness.mjs';

scenario('an admin exports the rules as JSON and imports them back under new names', async (s) => {
  const admin = await Api.login('admin');
  const name = unique('E2E transfer');
  await admin.post('/workflows/rules', {
    name, triggerType: 'EVENT', triggerConfig: { event: 'case.tagged', conditions: [{ field: 'tags', op: 'contains', value: 'never-e2e' }] },
    actions: [{ actionType: 'ADD_TAG', actionConfig: { tag: 'transferred' } }],
  });
  const page = await s.signIn('admin', '/workflows');
  await page.getByTestId('rules-table').waitFor();

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('rules-export').click()]);
  const exported = JSON.parse(await readFile(await download.path(), 'utf8'));
  assert.equal(exported.format, 'auditcaseos-rules');
  const mine = exported.rules.find((r) => r.name === name);
  assert.ok(mine, 'the export holds the new rule');

  // The same file again clashes on every name: nothing is imported, and the snackbar says why.
  await page.getByTestId('rules-import-file').setInputFiles({ name: 'rules.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(exported)) });
  await expectText(page.locator('simple-snack-bar, .mat-mdc-snack-bar-label').first(), /Nothing imported: .*already exist/);

  const copyName = `${name} (copy)`;
  const file = { rules: [{ ...mine, name: copyName }] };
  await page.getByTestId('rules-import-file').setInputFiles({ name: 'copy.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(file)) });
  await expectText(page.locator('simple-snack-bar, .mat-mdc-snack-bar-label').filter({ hasText: 'Imported' }).first(), 'Imported 1 rule');
  await expectText(page.getByTestId('rules-table'), new RegExp(copyName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')), copyName);
  const copy = (await admin.get('/workflows/rules?limit=200')).items.find((r) => r.name === copyName);
  assert.deepEqual(copy.actions.map((a) => a.actionConfig), [{ tag: 'transferred' }]);
  await s.shot(page, 'rules-after-import');
});
