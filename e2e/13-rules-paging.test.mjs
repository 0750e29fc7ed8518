// The rules list past 200 rules: the server pages and searches it; the console's paginator and search box drive it.
import assert from 'node:assert/strict';
import { Api, expectText, scenario, unique, until } from './lib/harness.mjs';

scenario('the rules list pages through more than 200 rules and searches their names on the server', async (s) => {
  const admin = await Api.login('admin');
  const prefix = unique('Bulk').replace(/\W+/g, '-');
  // Disabled and last in priority order, so they never run and never push another test's rule off the first page.
  const rules = Array.from({ length: 230 }, (_, i) => ({
    name: `${prefix} ${String(i).padStart(3, '0')}`, priority: 900_000 + i, isEnabled: false,
    triggerType: 'EVENT', triggerConfig: { event: 'case.created' },
  }));
  await admin.post('/workflows/rules/import', { rules });
  const total = (await admin.get('/workflows/rules?limit=1')).total;
  assert.ok(total > 230, `more than 230 rules in all (${total})`);

  const page = await s.signIn('admin', '/workflows');
  const paginator = page.getByTestId('rules-paginator');
  const range = paginator.locator('.mat-mdc-paginator-range-label');
  await expectText(range, `1 – 50 of ${total}`);
  await until('50 rows', async () => (await page.getByTestId('rule-row').count()) === 50);

  // Search on the server: every one of the 230, though only 50 are on a page.
  await page.getByTestId('rules-search').fill(prefix.toLowerCase());
  await expectText(range, '1 – 50 of 230');
  await expectText(page.getByTestId('rule-row').first(), new RegExp(`${prefix} 000`), 'the first bulk rule');
  await paginator.getByRole('button', { name: 'Last page' }).click();
  await expectText(range, '201 – 230 of 230');
  await until('30 rows', async () => (await page.getByTestId('rule-row').count()) === 30);
  await expectText(page.getByTestId('rule-row').last(), new RegExp(`${prefix} 229`), 'the last bulk rule');
  await s.shot(page, 'rules-last-page');

  // A narrower search starts again from the first page.
  await page.getByTestId('rules-search').fill(`${prefix} 21`);
  await expectText(range, '1 – 10 of 10');
  const names = await page.getByTestId('rule-link').allInnerTexts();
  assert.deepEqual(names, Array.from({ length: 10 }, (_, i) => `${prefix} 21${i}`));
  await page.getByTestId('rules-search').fill('no rule is called this e2e');
  await page.getByTestId('rules-empty').waitFor();
  await expectText(page.getByTestId('rules-empty'), /No rule matches the filter/);
});
