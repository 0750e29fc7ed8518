// Phones (390 × 844, touch): the investigator's main flow — sign in, the cases list as cards without sideways
// scrolling, open a case by tapping its card, change its status, get the rule's toast and see the bell count rise,
// open the bell by touch. An admin's history page at the same size: the ops dashboard and the runs as cards.
import assert from 'node:assert/strict';
import { Api, expectBellCount, expectText, scenario, selectOption, unique, until } from './lib/harness.mjs';

const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };

/** True when the page is no wider than the screen (nothing to scroll sideways). */
const fitsWidth = (page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);

scenario('on a phone an investigator works a case from the card list, and the bell and toasts work by touch', async (s) => {
  const admin = await Api.login('admin');
  const ivanUser = await admin.userByEmail('ivan@auditcaseos.local');
  const marker = unique('phone').replace(' ', '-');
  await admin.post('/workflows/rules', {
    name: unique('E2E phone review'),
    triggerType: 'STATUS_CHANGE',
    triggerConfig: { toStatus: ['IN_PROGRESS'], conditions: [{ field: 'title', op: 'contains', value: marker }] },
    actions: [{ actionType: 'SEND_NOTIFICATION', actionConfig: { recipients: ['ASSIGNEE'], title: 'Started {{case.caseNumber}}', message: 'Work began', priority: 'HIGH' } }],
  });
  const caseItem = await admin.createCase({ title: `Petty cash ${marker}`, scopeCode: 'FIN', severity: 'HIGH', assigneeId: ivanUser.id });

  const page = await s.signIn('ivan', '/cases', { context: PHONE });
  // Cards, not the table; the fields an investigator needs are on the card.
  await page.getByTestId('cases-cards').waitFor();
  assert.equal(await page.getByTestId('cases-table').count(), 0, 'no table on a phone');
  // Only the search until more filters are asked for.
  assert.equal(await page.getByTestId('cases-filter-status').count(), 0, 'the other filters folded away');
  await page.getByTestId('cases-more-filters').tap();
  await page.getByTestId('cases-filter-status').waitFor();
  await page.getByTestId('cases-more-filters').tap();
  await page.getByTestId('cases-filter-q').fill(caseItem.caseNumber);
  const card = page.locator(`[data-testid="case-card"][data-case-id="${caseItem.id}"]`);
  await card.waitFor();
  await expectText(card, new RegExp(caseItem.caseNumber), 'the case number');
  await expectText(card, new RegExp(`Petty cash ${marker}`), 'the title');
  await expectText(card.getByTestId('case-status'), 'Open');
  await expectText(card.getByTestId('case-severity'), 'High');
  await expectText(card.getByTestId('case-assignee'), 'Ivan Investigator');
  await expectText(card, /Updated /, 'when it was updated');
  assert.ok(await fitsWidth(page), 'the cases list does not scroll sideways');
  await s.shot(page, 'phone-cases-cards');

  const badge = page.getByTestId('notification-badge');
  const unreadBefore = Number(await badge.getAttribute('data-count'));

  // Tap the card: the case page, also without sideways scrolling.
  await card.getByTestId('case-card-link').tap();
  await page.waitForURL(new RegExp(`/cases/${caseItem.id}$`));
  await expectText(page.getByTestId('case-number'), caseItem.caseNumber);
  assert.ok(await fitsWidth(page), 'the case page does not scroll sideways');

  await selectOption(page, page.getByTestId('case-edit-status'), 'In progress');
  await page.getByTestId('case-save').tap();
  await expectText(page.locator('header').getByTestId('case-status'), 'In progress');

  // The rule tells the assignee: a toast (dismissed by a tap) and one more in the bell.
  const toast = page.getByTestId('toast').filter({ hasText: `Started ${caseItem.caseNumber}` });
  await toast.waitFor();
  await s.shot(page, 'phone-toast');
  assert.ok(await fitsWidth(page), 'the toast fits the screen');
  await page.getByTestId('toast-dismiss').first().tap();
  await until('the toast to go', async () => (await toast.count()) === 0);
  await expectBellCount(page, unreadBefore + 1);

  await page.getByTestId('notification-bell').tap();
  const entry = page.locator('.notification-menu').getByText(`Started ${caseItem.caseNumber}`).first();
  await entry.waitFor();
  const box = await page.locator('.notification-menu').boundingBox();
  assert.ok(box && box.x >= 0 && box.x + box.width <= 390, `the bell's panel fits the screen (${JSON.stringify(box)})`);
  await s.shot(page, 'phone-bell-open');
  await entry.tap();
  await page.waitForURL(new RegExp(`/cases/${caseItem.id}$`));
  await expectBellCount(page, unreadBefore);
});

scenario('on a phone the history page shows the ops dashboard and the runs as cards', async (s) => {
  const page = await s.signIn('admin', '/history', { context: PHONE });
  await page.getByTestId('ops-dashboard').waitFor();
  await page.getByTestId('ops-health').waitFor();
  await page.getByTestId('runs-chart').waitFor();
  await page.getByTestId('history-cards').waitFor();
  await until('run cards', async () => (await page.getByTestId('history-card').count()) > 0);
  assert.equal(await page.getByTestId('history-table').count(), 0, 'no table on a phone');
  assert.ok(await fitsWidth(page), 'the history page does not scroll sideways');
  await s.shot(page, 'phone-history');
});
