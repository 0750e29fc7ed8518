// The notification center and desktop notifications.
// (a) An investigator turns on desktop notifications in Settings; with the console's tab hidden, an URGENT
//     notification appears through the browser's Notification API; "clicking" it brings the tab forward and
//     opens the case. Back on the tab, the URGENT toast is still there after other toasts would have gone.
// (b) A rule's notification names the rule in the bell; "Mute this rule" stops that rule's toasts (its next
//     notification raises the bell count without a toast); Settings lists the muted rule by name and unmutes it.
//
// What is emulated, and why: headless Chromium has no desktop to show notifications on, and a headless tab is
// never really hidden. So the context is granted the `notifications` permission up front (no prompt),
// `document.visibilityState` is overridden by an init script and flipped with a real `visibilitychange` event,
// and `window.Notification` is wrapped so the test can read every notification the console constructs (the
// wrapper still calls the browser's real constructor and returns its object). The "click" is a `click` event
// dispatched on that real Notification object — what the browser does when the user clicks it on the desktop.
import assert from 'node:assert/strict';
import { Api, expectBellCount, expectNone, expectText, goto, scenario, unique, until, recordToasts } from './lib/harness.mjs';

/** Installed before the app loads: a controllable visibility state and a recording Notification wrapper. */
function emulateHiddenTabAndRecordNotifications() {
  let hidden = false;
  Object.defineProperty(Document.prototype, 'visibilityState', { configurable: true, get: () => (hidden ? 'hidden' : 'visible') });
  Object.defineProperty(Document.prototype, 'hidden', { configurable: true, get: () => hidden });
  window.__e2eSetHidden = (value) => {
    hidden = value;
    document.dispatchEvent(new Event('visibilitychange'));
  };
  window.__e2eFocusCalls = 0;
  const realFocus = window.focus.bind(window);
  window.focus = () => {
    window.__e2eFocusCalls++;
    realFocus();
  };
  window.__e2eDesktop = [];
  window.__e2eDesktopObjects = [];
  const Real = window.Notification;
  if (!Real) return;
  function Recorded(title, options = {}) {
    const entry = { title, body: options.body, tag: options.tag, requireInteraction: !!options.requireInteraction, constructed: false };
    window.__e2eDesktop.push(entry);
    const real = new Real(title, options);
    entry.constructed = real instanceof Real;
    window.__e2eDesktopObjects.push(real);
    return real;
  }
  Recorded.prototype = Real.prototype;
  Object.defineProperty(Recorded, 'permission', { get: () => Real.permission });
  Recorded.requestPermission = (...args) => Real.requestPermission(...args);
  window.Notification = Recorded;
}

function notifyRule(name, userId, priority, toStatus, marker, title) {
  return {
    name,
    cooldownSeconds: 0,
    triggerType: 'STATUS_CHANGE',
    triggerConfig: { toStatus: [toStatus], conditions: [{ field: 'title', op: 'contains', value: marker }] },
    actions: [{ actionType: 'SEND_NOTIFICATION', actionConfig: { recipients: [userId], title, message: `A ${priority} notification`, priority } }],
  };
}

scenario('desktop notification for an URGENT notification while the tab is hidden; clicking it opens the case', async (s) => {
  const admin = await Api.login('admin');
  const user = await admin.createUser('INVESTIGATOR', 'desktop');
  const marker = unique('desk').replace(' ', '-');
  await admin.post('/workflows/rules', notifyRule(unique('E2E urgent desktop'), user.id, 'URGENT', 'UNDER_REVIEW', marker, 'URGENT {{case.caseNumber}}'));
  const caseItem = await admin.createCase({ title: `Wire transfer ${marker}` });

  const page = await s.signIn(user, '/settings', {
    context: { permissions: ['notifications'] },
    initScripts: [emulateHiddenTabAndRecordNotifications],
  });
  assert.equal(await page.evaluate(() => Notification.permission), 'granted', 'the context grants notifications');

  // --- Settings: opt in (the browser is asked; this context answers "granted"), save.
  const toggle = page.getByTestId('settings-desktop');
  await toggle.locator('button[role="switch"]').click();
  await until('the switch to stay on', async () => (await toggle.locator('button[role="switch"]').getAttribute('aria-checked')) === 'true');
  await page.getByTestId('settings-save').click();
  await page.locator('.mat-mdc-snack-bar-label').filter({ hasText: 'Notification settings saved' }).first().waitFor();
  const asUser = await Api.login(user);
  assert.equal((await asUser.get('/notifications/preferences')).desktop, true, 'desktop saved on the server');
  await s.shot(page, 'desktop-opted-in');

  // --- The tab goes to the background; the rule sends an URGENT notification.
  await goto(page, '/cases');
  await page.evaluate(() => window.__e2eSetHidden(true));
  assert.equal(await page.evaluate(() => document.visibilityState), 'hidden');
  await admin.patch(`/cases/${caseItem.id}`, { status: 'UNDER_REVIEW' });
  await expectBellCount(page, 1);
  await until('a desktop notification', () => page.evaluate(() => window.__e2eDesktop.length > 0));
  const [shown] = await page.evaluate(() => window.__e2eDesktop);
  assert.equal(shown.title, `URGENT ${caseItem.caseNumber}`);
  assert.equal(shown.body, 'A URGENT notification');
  assert.equal(shown.requireInteraction, true, 'URGENT stays on the desktop until acted on');
  assert.equal(shown.constructed, true, "the browser's own Notification object was created");

  // --- The user clicks it: the tab comes forward (window.focus) and shows the case.
  await page.evaluate(() => {
    window.__e2eSetHidden(false);
    window.__e2eDesktopObjects[0].dispatchEvent(new Event('click'));
  });
  await page.waitForURL(new RegExp(`/cases/${caseItem.id}$`));
  assert.ok((await page.evaluate(() => window.__e2eFocusCalls)) >= 1, 'window.focus() was called');
  await expectBellCount(page, 0);
  await s.shot(page, 'case-opened-from-desktop-notification');

  // The URGENT toast (shown while hidden too) is still up after HIGH's 10 s would have gone; dismissed, it goes.
  const toast = page.getByTestId('toast').filter({ hasText: `URGENT ${caseItem.caseNumber}` });
  await toast.waitFor();
  assert.equal(await toast.getAttribute('data-priority'), 'URGENT');
  assert.equal(await toast.getByTestId('toast-icon').getAttribute('data-icon'), 'error');
  await page.waitForTimeout(11_000);
  assert.ok(await toast.isVisible(), 'the URGENT toast stays until dismissed');
  await s.shot(page, 'urgent-toast-still-there');
  await page.locator('.mat-mdc-snack-bar-container').filter({ has: toast }).getByTestId('toast-dismiss').click();
  await expectNone(page.getByTestId('toast').filter({ hasText: `URGENT ${caseItem.caseNumber}` }), 'URGENT toast');

  // A visible tab gets no desktop notification (the toast is enough).
  await admin.patch(`/cases/${caseItem.id}`, { status: 'IN_PROGRESS' });
  await admin.patch(`/cases/${caseItem.id}`, { status: 'UNDER_REVIEW' });
  await page.getByTestId('toast').filter({ hasText: `URGENT ${caseItem.caseNumber}` }).waitFor();
  assert.equal(await page.evaluate(() => window.__e2eDesktop.length), 1, 'no desktop notification while visible');
}, { timeout: 180_000 });

scenario('"Mute this rule" in the bell stops that rule\'s toasts, the bell still counts them; Settings unmutes by name', async (s) => {
  const admin = await Api.login('admin');
  const user = await admin.createUser('INVESTIGATOR', 'mute');
  const marker = unique('mute').replace(' ', '-');
  const ruleName = unique('E2E noisy rule');
  const rule = await admin.post('/workflows/rules',
    notifyRule(ruleName, user.id, 'HIGH', 'IN_PROGRESS', marker, 'Noisy {{case.caseNumber}} from {{case.previousStatus}}'));
  const caseItem = await admin.createCase({ title: `Expense claims ${marker}` });

  const page = await s.signIn(user, '/cases', { initScripts: [recordToasts] });
  await expectBellCount(page, 0);

  // First notification from the rule: a HIGH toast.
  await admin.patch(`/cases/${caseItem.id}`, { status: 'IN_PROGRESS' });
  const firstTitle = `Noisy ${caseItem.caseNumber} from OPEN`;
  const firstToast = page.getByTestId('toast').filter({ hasText: firstTitle });
  await firstToast.waitFor();
  assert.equal(await firstToast.getAttribute('data-priority'), 'HIGH');
  assert.equal(await firstToast.getByTestId('toast-icon').getAttribute('data-icon'), 'warning');
  await expectBellCount(page, 1);
  await page.locator('.mat-mdc-snack-bar-container').filter({ has: firstToast }).getByTestId('toast-dismiss').click();

  // The bell: the entry names the rule; "Mute this rule".
  await page.getByTestId('notification-bell').click();
  const entry = page.getByTestId('notification-entry').filter({ hasText: firstTitle });
  await entry.waitFor();
  await expectText(entry.getByTestId('notification-rule'), `Rule: ${ruleName}`);
  assert.match(await entry.getAttribute('class'), /priority-high/);
  await s.shot(page, 'bell-names-the-rule');
  const mute = entry.getByTestId('notification-mute-rule');
  await expectText(mute, 'Mute this rule');
  await mute.click();
  await page.locator('.mat-mdc-snack-bar-label').filter({ hasText: `Muted "${ruleName}"` }).first().waitFor();
  await until('the entry to show the rule muted', async () => (await mute.getAttribute('data-muted')) === 'true');
  await s.shot(page, 'rule-muted');
  await page.keyboard.press('Escape');
  const asUser = await Api.login(user);
  assert.deepEqual((await asUser.get('/notifications/preferences')).mutedRuleIds, [rule.id]);

  // Second notification from the rule: counted in the bell, no toast. The count event follows the
  // notification event, so once the bell shows 2 the console has already decided about the toast.
  await admin.patch(`/cases/${caseItem.id}`, { status: 'UNDER_REVIEW' });
  await admin.patch(`/cases/${caseItem.id}`, { status: 'IN_PROGRESS' });
  const secondTitle = `Noisy ${caseItem.caseNumber} from UNDER_REVIEW`;
  await expectBellCount(page, 2);
  await page.waitForTimeout(500);
  const toasts = await page.evaluate(() => window.__e2eToasts);
  assert.ok(toasts.some((t) => t.includes(firstTitle)), `toasts seen: ${JSON.stringify(toasts)}`);
  assert.ok(!toasts.some((t) => t.includes(secondTitle)), `no toast from the muted rule; toasts seen: ${JSON.stringify(toasts)}`);
  await s.shot(page, 'muted-no-toast-bell-2');

  // "Unread only" in the bell: both are unread; after opening one, only the other is listed.
  await page.getByTestId('notification-bell').click();
  await page.getByTestId('notification-item').filter({ hasText: secondTitle }).waitFor();
  await page.getByTestId('notification-item').filter({ hasText: firstTitle }).click();
  await expectBellCount(page, 1);
  await page.getByTestId('notification-bell').click();
  await page.getByTestId('notifications-unread-only').locator('button[role="switch"]').click();
  await until('only the unread one listed', async () => {
    const titles = await page.getByTestId('notification-item').allTextContents();
    return titles.length === 1 && titles[0].includes(secondTitle);
  });
  await s.shot(page, 'unread-only');
  await page.keyboard.press('Escape');

  // Settings names the muted rule; removing it and saving unmutes it.
  await goto(page, '/settings');
  const chip = page.getByTestId('settings-muted-rule').filter({ hasText: ruleName });
  await chip.waitFor();
  await s.shot(page, 'settings-muted-rule-by-name');
  await chip.getByTestId('settings-unmute-rule').click();
  await page.getByTestId('settings-save').click();
  await page.locator('.mat-mdc-snack-bar-label').filter({ hasText: 'Notification settings saved' }).first().waitFor();
  assert.deepEqual((await asUser.get('/notifications/preferences')).mutedRuleIds, []);
});
