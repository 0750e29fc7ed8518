// Shared helpers for the browser tests: the browser, signed-in pages, the REST API, Material widgets,
// waiting on UI state, and screenshots. The server is started by scripts/e2e.mjs, which passes
// E2E_BASE_URL (and E2E_SCREENSHOT_DIR) to `node --test`.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { chromium } from 'playwright-core';

export const BASE_URL = process.env.E2E_BASE_URL ?? '';
if (!BASE_URL) throw new Error('E2E_BASE_URL is not set: run the browser tests through `node scripts/e2e.mjs`');

export const CHROMIUM_PATH = process.env.E2E_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const SCREENSHOT_DIR = process.env.E2E_SCREENSHOT_DIR ?? 'test-output/screenshots';
mkdirSync(SCREENSHOT_DIR, { recursive: true });

/** UI waits: generous enough for a loaded 2-core CI machine, short enough to fail fast. */
export const UI_TIMEOUT = Number(process.env.E2E_UI_TIMEOUT_MS ?? 15_000);

export const USERS = {
  admin: { email: 'admin@auditcaseos.local', password: 'Admin123!', name: 'Ada Admin' },
  ivan: { email: 'ivan@auditcaseos.local', password: 'Investigator123!', name: 'Ivan Investigator' },
  fiona: { email: 'fiona@auditcaseos.local', password: 'Investigator123!', name: 'Fiona Finance' },
  vera: { email: 'vera@auditcaseos.local', password: 'Viewer123!', name: 'Vera Viewer' },
};

/** A short unique suffix so names never collide between tests or runs against the same server. */
export function unique(prefix) {
  return `${prefix} ${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
}

// ---------------------------------------------------------------------------------------------
// REST API (setup steps that are not what a test is about)

export class ApiError extends Error {
  constructor(method, path, status, body) {
    super(`${method} ${path} → ${status}: ${typeof body === 'string' ? body : JSON.stringify(body)}`);
    this.status = status;
    this.body = body;
  }
}

export class Api {
  constructor(token, user) {
    this.token = token;
    this.user = user;
  }

  static async login(who) {
    const { email, password } = typeof who === 'string' ? USERS[who] : who;
    const res = await fetch(`${BASE_URL}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password }),
    });
    const body = await res.json();
    if (!res.ok) throw new ApiError('POST', '/auth/login', res.status, body);
    return new Api(body.accessToken, body.user);
  }

  async request(method, path, body) {
    const headers = { authorization: `Bearer ${this.token}` };
    let payload;
    if (body instanceof FormData) payload = body;
    else if (body !== undefined) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(body);
    }
    const res = await fetch(`${BASE_URL}/api/v1${path}`, { method, headers, body: payload });
    const text = await res.text();
    let parsed = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      /* not JSON */
    }
    if (!res.ok) throw new ApiError(method, path, res.status, parsed);
    return parsed;
  }

  get(path) { return this.request('GET', path); }
  post(path, body = {}) { return this.request('POST', path, body); }
  patch(path, body) { return this.request('PATCH', path, body); }
  put(path, body) { return this.request('PUT', path, body); }
  delete(path) { return this.request('DELETE', path); }

  async userByEmail(email) {
    const res = await this.get('/users?limit=200');
    const found = (res.items ?? res).find((u) => u.email === email);
    if (!found) throw new Error(`no user ${email}`);
    return found;
  }

  async ruleByName(name) {
    const res = await this.get(`/workflows/rules?limit=200&q=${encodeURIComponent(name)}`);
    return (res.items ?? res).find((r) => r.name === name) ?? null;
  }

  /** A new active user (tests that change a user's state or preferences use their own). */
  async createUser(role = 'INVESTIGATOR', label = 'e2e') {
    const tag = unique(label).split(' ').pop();
    const user = { email: `${label}-${tag}@auditcaseos.test`, name: `E2E ${label} ${tag}`, role, password: `E2e-${tag}-pass!` };
    const created = await this.post('/users', user);
    return { ...created, password: user.password, label };
  }

  /** A fresh case, so cooldowns and earlier tests never interfere. */
  createCase(fields = {}) {
    return this.post('/cases', {
      title: unique('E2E case'),
      caseType: 'AUDIT',
      scopeCode: 'OPS',
      severity: 'MEDIUM',
      ...fields,
    });
  }

  /** History rows of a case (newest first). */
  async history(query) {
    const res = await this.get(`/workflows/history?${new URLSearchParams({ limit: '200', ...query })}`);
    return res.items;
  }
}

/** Disables a rule for the duration of a test; returns a function that restores its previous state. */
export async function withRuleDisabled(api, name) {
  const rule = await api.ruleByName(name);
  if (!rule || !rule.isEnabled) return async () => {};
  await api.patch(`/workflows/rules/${rule.id}`, { isEnabled: false });
  return async () => {
    await api.patch(`/workflows/rules/${rule.id}`, { isEnabled: true });
  };
}

// ---------------------------------------------------------------------------------------------
// Waiting

/** Polls `probe` until it returns a truthy value (returned) or the timeout passes (throws `what`). */
export async function until(what, probe, { timeout = UI_TIMEOUT, interval = 100 } = {}) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
      last = value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      const detail = last instanceof Error ? last.message : JSON.stringify(last);
      throw new Error(`timed out after ${timeout} ms waiting for ${what} (last: ${detail})`);
    }
    await new Promise((r) => setTimeout(r, interval));
  }
}

/** Waits until the locator's trimmed text matches `expected` (string = equality, RegExp = test). */
export async function expectText(locator, expected, what = String(expected)) {
  let seen = '(nothing)';
  try {
    await until(`text ${what}`, async () => {
      seen = (await locator.innerText({ timeout: 1000 })).trim();
      return typeof expected === 'string' ? seen === expected : expected.test(seen);
    });
  } catch (err) {
    err.message += `; the text was: ${JSON.stringify(seen.slice(0, 300))}`;
    throw err;
  }
}

/** Waits until the locator's attribute equals the value. */
export async function expectAttribute(locator, name, value) {
  await until(`${name}="${value}"`, async () => (await locator.getAttribute(name, { timeout: 1000 })) === String(value));
}

/** Waits until the bell shows `count` unread: the number is visible on the badge (hidden at zero). */
export async function expectBellCount(page, count) {
  const badge = page.getByTestId('notification-badge');
  await expectAttribute(badge, 'data-count', count);
  const content = badge.locator('.mat-badge-content');
  if (count === 0) {
    await until('the badge to be hidden', async () => !(await content.isVisible()));
  } else {
    await content.waitFor({ state: 'visible' });
    await expectText(content, count > 99 ? '99+' : String(count), `badge text ${count}`);
  }
}

/** Waits until nothing matches the locator. */
export async function expectNone(locator, what, timeout = UI_TIMEOUT) {
  await until(`no ${what}`, async () => (await locator.count()) === 0, { timeout });
}

// ---------------------------------------------------------------------------------------------
// Browser, users, pages

/**
 * One browser per test file; every user gets a fresh context (own sessionStorage and socket).
 * `scenario()` wraps a test: it opens the browser lazily, screenshots every open page when the test
 * fails, reports uncaught page errors, and closes everything.
 */
export function scenario(name, fn, { timeout = 120_000 } = {}) {
  test(name, { timeout }, async () => {
    const s = new Scenario(slug(name));
    try {
      await fn(s);
      s.assertNoPageErrors();
    } catch (err) {
      await s.screenshotAll('FAILED');
      if (s.pageErrors.length) console.error(`uncaught page errors:\n  ${s.pageErrors.join('\n  ')}`);
      throw err;
    } finally {
      await s.close();
    }
  });
}

let browserPromise = null;
function browser() {
  browserPromise ??= chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
  return browserPromise;
}
after(async () => {
  if (browserPromise) await (await browserPromise).close();
});

class Scenario {
  constructor(id) {
    this.id = id;
    this.contexts = [];
    this.pages = new Map();
    this.pageErrors = [];
    this.shotCount = 0;
  }

  /**
   * A new browser context signed in through the login form as `who` (a key of USERS, or
   * `{email, password, label}`), on `path` (default /cases). `options.context` adds browser-context
   * options (e.g. `permissions`), `options.initScripts` functions that run in every page before the app.
   */
  async signIn(who, path = '/cases', options = {}) {
    const user = typeof who === 'string' ? USERS[who] : who;
    const page = await this.newPage(typeof who === 'string' ? who : (who.label ?? who.email.split('@')[0]), options.context);
    for (const script of options.initScripts ?? []) await page.context().addInitScript(script);
    await page.goto(`${BASE_URL}/login`);
    await page.getByTestId('login-email').fill(user.email);
    await page.getByTestId('login-password').fill(user.password);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('user-menu').waitFor();
    // Live updates must be up before anything the test waits to see live.
    await expectAttribute(page.getByTestId('live-indicator'), 'data-connected', 'true');
    if (path !== '/cases') await goto(page, path);
    else await page.waitForURL(/\/cases$/);
    return page;
  }

  async newPage(label, contextOptions = {}) {
    const b = await browser();
    const context = await b.newContext({ viewport: { width: 1440, height: 900 }, acceptDownloads: true, ...contextOptions });
    context.setDefaultTimeout(UI_TIMEOUT);
    this.contexts.push(context);
    const page = await context.newPage();
    page.on('pageerror', (err) => this.pageErrors.push(`[${label}] ${err.message}`));
    this.pages.set(label, page);
    return page;
  }

  /** Saves a screenshot of the page as test-output/screenshots/<test>-NN-<step>.png. */
  async shot(page, step) {
    this.shotCount++;
    const file = join(SCREENSHOT_DIR, `${this.id}-${String(this.shotCount).padStart(2, '0')}-${slug(step)}.png`);
    await page.screenshot({ path: file }).catch(() => undefined);
    return file;
  }

  async screenshotAll(prefix) {
    for (const [label, page] of this.pages) {
      if (!page.isClosed()) await this.shot(page, `${prefix}-${label}`);
    }
  }

  assertNoPageErrors() {
    if (this.pageErrors.length) throw new Error(`uncaught errors in the console:\n  ${this.pageErrors.join('\n  ')}`);
  }

  async close() {
    for (const context of this.contexts) await context.close().catch(() => undefined);
  }
}

function slug(text) {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60);
}

/** Client-side navigation would need a link; a full load is what a user typing the URL does. */
export async function goto(page, path) {
  await page.goto(`${BASE_URL}${path}`);
  await page.getByTestId('user-menu').waitFor();
}

// ---------------------------------------------------------------------------------------------
// Angular Material widgets

/**
 * The panel of the open mat-select. (CDK 21 overlays are native popovers placed next to their trigger,
 * not inside `.cdk-overlay-container`, so panels are found from the page.)
 */
function selectPanel(page) {
  return page.locator('.mat-mdc-select-panel');
}

/**
 * Picks options of a mat-select by their visible text (exact match after trimming).
 * For a multiple select every listed option is clicked, then the panel is closed with Escape.
 */
export async function selectOptions(page, select, labels, { multiple = false, trigger = select } = {}) {
  await trigger.click();
  const panel = selectPanel(page);
  await panel.waitFor();
  for (const label of labels) {
    await panel.getByRole('option', { name: label, exact: true }).click();
  }
  if (multiple) await page.keyboard.press('Escape');
  await panel.waitFor({ state: 'detached' });
}

export function selectOption(page, select, label, options = {}) {
  return selectOptions(page, select, [label], options);
}

/** Opens a mat-select and reads the labels of its options (then closes it). */
export async function optionLabels(page, select) {
  await select.click();
  const panel = selectPanel(page);
  await panel.waitFor();
  const labels = (await panel.getByRole('option').allInnerTexts()).map((t) => t.trim());
  await page.keyboard.press('Escape');
  await panel.waitFor({ state: 'detached' });
  return labels;
}

/**
 * Waits until an opened dialog has taken the focus. Material moves the focus into a dialog only when its opening
 * animation ends: text typed before that can land in whichever field the focus then jumps to.
 */
export async function dialogOpened(page) {
  await page.waitForFunction(() => !!document.activeElement?.closest('mat-dialog-container'), null, { timeout: UI_TIMEOUT });
}

/** Clicks OK in the confirmation dialog. */
export async function confirmDialog(page) {
  await page.getByTestId('confirm-ok').click();
  await page.getByTestId('confirm-ok').waitFor({ state: 'detached' });
}

/**
 * Records the text of every toast that is ever shown on the page, in `window.__e2eToasts`: an init script
 * (`context.addInitScript(recordToasts)`), installed before the app loads.
 */
export function recordToasts() {
  window.__e2eToasts = [];
  new MutationObserver(() => {
    for (const el of document.querySelectorAll('[data-testid="toast"]:not([data-e2e-seen])')) {
      el.setAttribute('data-e2e-seen', '');
      window.__e2eToasts.push(el.textContent.replace(/\s+/g, ' ').trim());
    }
  }).observe(document, { childList: true, subtree: true });
}

/**
 * Opens the rule editor for a new rule and fills in a STATUS_CHANGE rule (to "Under review") named `name` with one
 * "Add tag" action adding `tag`, unsaved. Returns the editor page.
 */
export async function draftReviewRule(s, name, tag) {
  const page = await s.signIn('admin', '/workflows/rules/new');
  await expectText(page.getByTestId('rule-editor-title'), 'New rule');
  await page.getByTestId('rule-name').fill(name);
  await selectOption(page, page.getByTestId('rule-trigger-type'), 'Status change');
  await selectOptions(page, page.getByTestId('trigger-to-status'), ['Under review'], { multiple: true });
  await page.getByTestId('add-action').click();
  const action = page.getByTestId('action-item').first();
  await action.waitFor();
  await selectOption(page, action.getByTestId('action-type'), 'Add tag');
  await action.getByTestId('action-tag').fill(tag);
  return page;
}
