// The ops dashboard on the history page: a rule starts failing and, without a reload, the headline says since when,
// the failures bar and the totals rise and the rule tops "Rules failing most"; 7 days per day shows seven bars.
import assert from 'node:assert/strict';
import { Api, expectAttribute, expectText, scenario, unique, until } from './lib/harness.mjs';

scenario('the ops dashboard shows live that a rule fails, since when, and which rule fails most', async (s) => {
  const admin = await Api.login('admin');
  const marker = unique('ops').replace(' ', '-');
  const gone = await admin.createUser('INVESTIGATOR', 'gone');
  await admin.patch(`/users/${gone.id}`, { isActive: false });
  const rule = await admin.post('/workflows/rules', {
    name: unique('E2E ops failing'),
    triggerType: 'EVENT',
    triggerConfig: { event: 'case.created', conditions: [{ field: 'title', op: 'contains', value: marker }] },
    actions: [{ actionType: 'SEND_NOTIFICATION', actionConfig: { recipients: [gone.id], title: 'Hi', message: 'There' } }],
  });

  const page = await s.signIn('admin', '/history');
  const dashboard = page.getByTestId('ops-dashboard');
  await page.getByTestId('ops-health').waitFor();
  const totals = page.getByTestId('ops-totals');
  const failuresBefore = Number(await totals.getAttribute('data-failures'));

  // Two failing runs, seen live.
  await admin.createCase({ title: `First ${marker}` });
  await admin.createCase({ title: `Second ${marker}` });
  await expectAttribute(totals, 'data-failures', String(failuresBefore + 2));
  await expectAttribute(dashboard, 'data-health', 'failing');
  await expectText(page.getByTestId('ops-health'), /Rules are failing (at least )?since .+: \d+ failed runs? since then\./, 'since when');
  const since = await page.getByTestId('ops-health').getAttribute('data-since');
  assert.ok(Date.parse(since) <= Date.now() && Date.now() - Date.parse(since) < 25 * 3_600_000, `since ${since}`);
  const top = page.locator(`[data-testid="ops-top-rule"][data-rule-id="${rule.id}"]`);
  await expectAttribute(top, 'data-failures', '2');
  await expectText(top, new RegExp(rule.name), 'the rule by name');
  const lastBar = page.getByTestId('runs-chart-failures').last();
  assert.ok(Number(await lastBar.getAttribute('data-failures')) >= 2, 'the current hour has a failures bar');
  await s.shot(page, 'ops-dashboard-failing');

  // The server's numbers agree after a reload (the counters, not the live additions).
  await page.reload();
  await expectAttribute(page.getByTestId('ops-totals'), 'data-failures', String(failuresBefore + 2));

  // 7 days per day: seven bars' worth of buckets, the rule still on top.
  await page.getByTestId('ops-range').getByRole('radio', { name: '7 days' }).click();
  await page.getByTestId('ops-bucket').getByRole('radio', { name: 'per day' }).click();
  await expectText(page.locator('#ops-runs-title'), 'Runs per day');
  await until('the rule among the failing ones', async () => (await top.count()) === 1);
  await s.shot(page, 'ops-dashboard-7-days');

  // Choosing the rule filters the history below to its failed runs.
  await top.getByRole('button', { name: `Show the failed runs of ${rule.name}` }).click();
  await page.waitForURL((url) => url.searchParams.get('ruleId') === rule.id && url.searchParams.get('outcome') === 'failed');
  await until('two failed rows', async () => (await page.getByTestId('history-row').count()) === 2);
  const ruleField = page.getByTestId('history-filter-rule');
  await until('the rule named in the filter', async () => (await ruleField.inputValue()) === rule.name);

  // The Rule filter searches rule names on the server as one types.
  await page.getByTestId('history-filter-rule-clear').click();
  await until('every failed run again', async () => (await page.getByTestId('history-row').count()) > 2 || !page.url().includes('ruleId'));
  await ruleField.fill(rule.name.slice(4));
  await page.getByRole('option', { name: rule.name }).click();
  await page.waitForURL((url) => url.searchParams.get('ruleId') === rule.id);
  await until('two failed rows again', async () => (await page.getByTestId('history-row').count()) === 2);
  await admin.post(`/workflows/rules/${rule.id}/toggle`);
});
