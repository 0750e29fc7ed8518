// Cases: the list's filters and paginator; the detail page's edit form (status, tags) with the timeline
// showing the change and an entry made by a rule; evidence upload with a progress bar, and download.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { Api, expectNone, expectText, scenario, selectOption, unique, until } from './lib/harness.mjs';

/** The case numbers shown in the list, once it has settled on `expectedTotal` cases. */
async function settledList(page, expectedTotal, what) {
  const range = page.getByTestId('cases-paginator').locator('.mat-mdc-paginator-range-label');
  await until(`the list to show ${what} (${expectedTotal} in all)`, async () => {
    const label = (await range.innerText()).trim();
    return expectedTotal === 0 ? /^0 of 0$/.test(label) : new RegExp(`of ${expectedTotal}$`).test(label);
  });
  if (expectedTotal === 0) {
    await page.getByTestId('cases-empty').waitFor();
    return [];
  }
  return page.getByTestId('case-row').locator('a.case-number').allInnerTexts();
}

scenario('the cases list filters by search, status, type, scope and tag, and pages', async (s) => {
  const ivan = await Api.login('ivan');
  const count = async (query) => (await ivan.get(`/cases?limit=1&${new URLSearchParams(query)}`)).total;
  const total = await count({});
  assert.ok(total > 10, `more than one page of 10 cases (have ${total})`);

  const page = await s.signIn('ivan');
  await settledList(page, total, 'every case');
  assert.equal(await page.getByTestId('cases-clear-filters').count(), 0, 'no Clear button without filters');

  // Paginator: 10 per page, then the second page holds the rest.
  const paginator = page.getByTestId('cases-paginator');
  // (The paginator's page-size select sits under a larger touch target, which is what a pointer hits.)
  await selectOption(page, paginator.locator('mat-select'), '10', { trigger: paginator.locator('.mat-mdc-paginator-touch-target') });
  await expectText(paginator.locator('.mat-mdc-paginator-range-label'), `1 – 10 of ${total}`);
  await until('10 rows', async () => (await page.getByTestId('case-row').count()) === 10);
  const firstPage = await page.getByTestId('case-row').locator('a.case-number').allInnerTexts();
  await paginator.getByRole('button', { name: 'Next page' }).click();
  const onSecond = Math.min(10, total - 10);
  await expectText(paginator.locator('.mat-mdc-paginator-range-label'), `11 – ${10 + onSecond} of ${total}`);
  await until(`${onSecond} rows`, async () => (await page.getByTestId('case-row').count()) === onSecond);
  const secondPage = await page.getByTestId('case-row').locator('a.case-number').allInnerTexts();
  assert.equal(secondPage.filter((n) => firstPage.includes(n)).length, 0, 'page 2 shows other cases than page 1');
  await s.shot(page, 'cases-page-2');
  await paginator.getByRole('button', { name: 'Previous page' }).click();
  await expectText(paginator.locator('.mat-mdc-paginator-range-label'), `1 – 10 of ${total}`);

  // Scope: only HR cases (typed lowercase; the console upper-cases it).
  await page.getByTestId('cases-filter-scope').fill('hr');
  const hr = await settledList(page, await count({ scopeCode: 'HR' }), 'HR cases');
  assert.ok(hr.length > 0 && hr.every((n) => n.startsWith('HR-')), `HR only: ${hr}`);
  await page.getByTestId('cases-clear-filters').waitFor();
  // Tag on top of the scope: the one payroll case.
  await page.getByTestId('cases-filter-tag').fill('payroll');
  const payroll = await settledList(page, await count({ scopeCode: 'HR', tag: 'payroll' }), 'HR cases tagged payroll');
  assert.equal(payroll.length, 1);
  await expectText(page.getByTestId('case-row').first(), /Overtime approvals without manager sign-off/, 'the payroll case');
  await s.shot(page, 'cases-filter-scope-and-tag');

  await page.getByTestId('cases-clear-filters').click();
  await settledList(page, total, 'every case again');
  await expectNone(page.getByTestId('cases-clear-filters'), 'Clear button once the filters are empty');

  // Type: incidents only; every row says so.
  await selectOption(page, page.getByTestId('cases-filter-type'), 'Incident');
  await settledList(page, await count({ caseType: 'INCIDENT' }), 'incidents');
  const types = await page.getByTestId('case-row').locator('td.mat-column-caseType').allInnerTexts();
  assert.ok(types.length > 0 && types.every((t) => t.trim() === 'Incident'), `types: ${types}`);
  await selectOption(page, page.getByTestId('cases-filter-type'), 'Any type');

  // Status: every row shows the status picked.
  await selectOption(page, page.getByTestId('cases-filter-status'), 'Open');
  await settledList(page, await count({ status: 'OPEN' }), 'open cases');
  const statuses = await page.getByTestId('case-row').getByTestId('case-status').allInnerTexts();
  assert.ok(statuses.length > 0 && statuses.every((t) => t.trim() === 'Open'), `statuses: ${statuses}`);
  await selectOption(page, page.getByTestId('cases-filter-status'), 'Any status');

  // Search by case number: exactly that case.
  const target = (await ivan.get('/cases?tag=vendor')).items[0];
  await page.getByTestId('cases-filter-q').fill(target.caseNumber);
  assert.deepEqual(await settledList(page, 1, target.caseNumber), [target.caseNumber]);
  // A search matching nothing: the empty state.
  await page.getByTestId('cases-filter-q').fill('no case is called this e2e');
  await settledList(page, 0, 'no cases');
  await expectText(page.getByTestId('cases-empty'), /No case matches these filters/);
  await s.shot(page, 'cases-empty-search');
});

scenario('case detail: edit status and tags, timeline with a rule-made entry, evidence upload and download', async (s) => {
  const admin = await Api.login('admin');
  const ivanUser = await admin.userByEmail('ivan@auditcaseos.local');
  const marker = unique('detail').replace(' ', '-');
  // A rule that writes into the timeline when work starts on this case.
  const rule = await admin.post('/workflows/rules', {
    name: unique('E2E work started'),
    triggerType: 'STATUS_CHANGE',
    triggerConfig: { toStatus: ['IN_PROGRESS'], conditions: [{ field: 'title', op: 'contains', value: marker }] },
    actions: [{ actionType: 'CREATE_TIMELINE', actionConfig: { message: 'Work started on {{case.caseNumber}} by {{actor.name}}' } }],
  });
  const caseItem = await admin.createCase({ title: `Cash count ${marker}`, scopeCode: 'FIN', assigneeId: ivanUser.id, tags: ['cash'] });

  const page = await s.signIn('ivan', `/cases/${caseItem.id}`);
  await expectText(page.getByTestId('case-number'), caseItem.caseNumber);
  await expectText(page.locator('header').getByTestId('case-status'), 'Open');
  const timeline = page.getByTestId('case-timeline');
  await timeline.locator('[data-testid="timeline-entry"][data-kind="CREATED"]').waitFor();

  // Edit: status → In progress, add a tag, save.
  await selectOption(page, page.getByTestId('case-edit-status'), 'In progress');
  const tagInput = page.getByTestId('case-edit-tags');
  await tagInput.fill('Cash-Count');
  await tagInput.press('Enter');
  await page.getByTestId('case-edit-tags-chip').filter({ hasText: 'cash-count' }).waitFor();
  await page.getByTestId('case-save').click();
  await page.locator('.mat-mdc-snack-bar-label').filter({ hasText: `${caseItem.caseNumber} saved` }).first().waitFor();
  await expectText(page.locator('header').getByTestId('case-status'), 'In progress');
  assert.equal(await page.getByTestId('case-save').isDisabled(), true, 'nothing left to save');

  // The timeline shows the status change and the tag, by Ivan…
  await timeline.locator('[data-testid="timeline-entry"][data-kind="STATUS_CHANGE"]').waitFor();
  await expectText(timeline.locator('[data-testid="timeline-entry"][data-kind="STATUS_CHANGE"]'), /IN_PROGRESS|In progress/i, 'the new status');
  await expectText(timeline.locator('[data-testid="timeline-entry"][data-kind="TAG"]'), /cash-count/, 'the new tag');
  // …and, without a reload, the rule's entry, marked "by rule" (not a link: Ivan is no admin).
  const ruleEntry = timeline.getByTestId('timeline-entry').filter({ hasText: `Work started on ${caseItem.caseNumber} by Ivan Investigator` });
  await ruleEntry.waitFor();
  await expectText(ruleEntry, /by rule/, '"by rule" on the rule-made entry');
  assert.equal(await ruleEntry.getAttribute('data-kind'), 'WORKFLOW');
  await s.shot(page, 'case-edited-timeline');
  const stored = await admin.get(`/cases/${caseItem.id}`);
  assert.equal(stored.status, 'IN_PROGRESS');
  assert.deepEqual([...stored.tags].sort(), ['cash', 'cash-count']);

  // Evidence: a 1.5 MB file over a throttled upload, so the progress bar is seen moving.
  await page.getByRole('tab', { name: 'Evidence' }).click();
  await page.getByTestId('evidence-empty').waitFor();
  const bytes = randomBytes(1536 * 1024);
  const filename = `${marker}-ledger.bin`;
  await page.getByTestId('evidence-file-input').setInputFiles({ name: filename, mimeType: 'application/octet-stream', buffer: bytes });
  await expectText(page.getByTestId('evidence-selected'), new RegExp(filename), 'the chosen file');
  await page.getByTestId('evidence-description').fill('Scanned ledger pages');
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 20, downloadThroughput: -1, uploadThroughput: 768 * 1024 });
  await page.getByTestId('evidence-upload').click();
  const progress = page.getByTestId('evidence-progress');
  await progress.waitFor();
  const bar = progress.getByRole('progressbar');
  const seen = new Set();
  let labelHeight = 0;
  await until('the progress bar to move past 0 % before finishing', async () => {
    if (!(await progress.isVisible())) return seen.size > 0;
    const value = Number(await bar.getAttribute('aria-valuenow'));
    if (value > 0 && value < 100) {
      seen.add(value);
      labelHeight = (await progress.locator(':scope > span').boundingBox())?.height ?? 0;
    }
    return seen.size > 0;
  }, { interval: 50 });
  await s.shot(page, 'evidence-uploading');
  assert.ok(labelHeight > 0 && labelHeight < 30, `the "N %" label stays on one line (height ${labelHeight}px)`);
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
  await progress.waitFor({ state: 'detached', timeout: 30_000 });
  await page.locator('.mat-mdc-snack-bar-label').filter({ hasText: `${filename} uploaded` }).first().waitFor();
  const row = page.getByTestId('evidence-row').filter({ hasText: filename });
  await row.waitFor();
  await expectText(row, /Scanned ledger pages/, 'the description');
  await expectText(row, /1\.5 MB/, 'the size');
  await s.shot(page, 'evidence-uploaded');

  // Download: the exact bytes come back.
  const [download] = await Promise.all([page.waitForEvent('download'), row.getByTestId('evidence-download').click()]);
  assert.equal(download.suggestedFilename(), filename);
  const downloaded = await readFile(await download.path());
  assert.equal(downloaded.length, bytes.length);
  assert.ok(downloaded.equals(bytes), 'downloaded bytes equal the uploaded ones');

  // The upload is in the timeline too, with the demo rule's "Evidence … added" entry marked by rule.
  await page.getByRole('tab', { name: 'Timeline' }).click();
  await timeline.locator('[data-testid="timeline-entry"][data-kind="EVIDENCE"]').filter({ hasText: filename }).waitFor();
  const logged = timeline.getByTestId('timeline-entry').filter({ hasText: `Evidence "${filename}" added by Ivan Investigator` });
  await logged.waitFor();
  await expectText(logged, /by rule/, '"by rule" on the evidence log entry');
  await s.shot(page, 'timeline-after-upload');
  assert.ok(rule.id);
});
