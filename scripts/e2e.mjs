#!/usr/bin/env node
// Browser end-to-end tests (last stage of `npm test`, or `npm run test:e2e`):
//   1. checks for Debian's Chromium (/usr/bin/chromium; E2E_CHROMIUM overrides);
//   2. builds the server and the console when their output is missing or older than their sources;
//   3. starts the real server (`node dist/server/server/main.js`) on a free port with a fresh DATA_DIR
//      under /var/tmp (embedded PostgreSQL, DEMO_DATA=true) and waits for /api/v1/health;
//   4. runs e2e/*.test.mjs with Node's test runner, one file at a time, E2E_BASE_URL pointing at it;
//   5. stops the server (SIGTERM, then waits), removes DATA_DIR, and exits non-zero on any failure.
// Screenshots go to test-output/screenshots/, the server's log to test-output/e2e-server.log.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

const started = Date.now();
const SERVER_ENTRY = 'dist/server/server/main.js';
const CONSOLE_INDEX = 'dist/client/browser/index.html';
const CHROMIUM = process.env.E2E_CHROMIUM ?? '/usr/bin/chromium';
const OUTPUT_DIR = 'test-output';
const SCREENSHOT_DIR = join(OUTPUT_DIR, 'screenshots');
const SERVER_LOG = join(OUTPUT_DIR, 'e2e-server.log');
const HEALTH_TIMEOUT_MS = 90_000;
const STOP_TIMEOUT_MS = 20_000;
const inCi = process.env.CI === 'true';

const log = (message) => console.log(`[e2e] ${message}`);
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)}s`;

function fail(message) {
  console.error(`[e2e] FAILED: ${message}`);
  process.exitCode = 1;
}

// The test files first: a name in E2E_ONLY that matches no file fails before anything is built or started.
const testArgs = ['--test', '--test-concurrency=1', '--test-reporter=spec'];
if (process.env.E2E_ONLY) testArgs.push(...process.env.E2E_ONLY.split(',').map((f) => testFileOf(f.trim())));
else testArgs.push('e2e/');

/** A path as given, or a short name ("cases", "history-retry") as the one e2e/NN-<name>.test.mjs file it names. */
function testFileOf(name) {
  if (name.includes('/') || name.endsWith('.mjs')) return name;
  const matches = readdirSync('e2e').filter((f) => f.endsWith('.test.mjs') && f.replace(/^\d+-/, '').replace(/\.test\.mjs$/, '') === name);
  if (matches.length !== 1) throw new Error(`E2E_ONLY: "${name}" names ${matches.length ? matches.join(', ') : 'no file in e2e/'}`);
  return join('e2e', matches[0]);
}

// --- 1. The browser ------------------------------------------------------------------------------
if (!existsSync(CHROMIUM)) {
  fail(
    `Chromium was not found at ${CHROMIUM}. The browser tests need Debian's chromium: run \`apt-get install -y chromium\`` +
      (inCi ? ' in the CI image (in CI a missing browser is a failure, never a skip).' : ' and run the tests again.'),
  );
  process.exit(1);
}

// --- 2. Builds -----------------------------------------------------------------------------------
/** Newest modification time (ms) of the files under the given paths. */
function newestMtime(paths) {
  let newest = 0;
  const visit = (path) => {
    if (!existsSync(path)) return;
    const stat = statSync(path);
    if (stat.isDirectory()) {
      for (const entry of readdirSync(path)) {
        if (entry === 'node_modules' || entry.startsWith('.')) continue;
        visit(join(path, entry));
      }
    } else if (!/\.spec\.ts$/.test(path)) newest = Math.max(newest, stat.mtimeMs);
  };
  paths.forEach(visit);
  return newest;
}

function buildIfNeeded(what, output, sources, args, { rebuildStale }) {
  const stale = existsSync(output) && newestMtime(sources) > statSync(output).mtimeMs;
  const reason = !existsSync(output) ? 'missing' : stale && rebuildStale ? 'older than its sources' : null;
  if (stale && !rebuildStale) log(`note: ${output} is older than its sources (\`npx ${args.join(' ')}\` rebuilds it)`);
  if (!reason) return true;
  log(`building the ${what} (${output} is ${reason}): npx ${args.join(' ')}`);
  const r = spawnSync('npx', args, { stdio: 'inherit' });
  if (r.status !== 0 || !existsSync(output)) {
    fail(`building the ${what} failed (npx ${args.join(' ')} exited ${r.status ?? r.signal})`);
    return false;
  }
  return true;
}

// The server is rebuilt only when missing (`npm test` builds it first, and other suites run the compiled
// server: replacing it under them would break them); the console also when older than its sources.
const rebuildStaleConsole = process.env.E2E_SKIP_STALE_CHECK !== 'true';
if (
  !buildIfNeeded('server', SERVER_ENTRY, ['server/src', 'migrations'], ['nest', 'build'], { rebuildStale: false }) ||
  !buildIfNeeded('console', CONSOLE_INDEX, ['client/src', 'angular.json'], ['ng', 'build'], { rebuildStale: rebuildStaleConsole })
) {
  process.exit(1);
}

// --- 3. The server -------------------------------------------------------------------------------
function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

mkdirSync(SCREENSHOT_DIR, { recursive: true });
for (const file of readdirSync(SCREENSHOT_DIR)) if (file.endsWith('.png')) rmSync(join(SCREENSHOT_DIR, file));

// /var/tmp, mode 0755: the embedded PostgreSQL runs as the `postgres` user and must reach its data folder.
const dataDir = mkdtempSync('/var/tmp/auditcaseos-e2e-');
chmodSync(dataDir, 0o755);
const port = await freePort();
const baseUrl = `http://127.0.0.1:${port}`;
// A real OpenID provider on loopback for the single sign-on test (e2e/lib/oidc-peer.mjs), up before the server.
const { startOidcPeer, OIDC_CLIENT } = await import('../e2e/lib/oidc-peer.mjs');
const oidcPeer = await startOidcPeer({ redirectUris: [`${baseUrl}/api/v1/auth/oidc/callback`] });
log(`OpenID provider for the single sign-on test at ${oidcPeer.issuer}`);
// A real SMTP server on loopback for the e-mail test (e2e/lib/smtp-peer.mjs); what it accepts goes to MAIL_LOG.
const MAIL_LOG = join(OUTPUT_DIR, 'e2e-mail.jsonl');
const { startSmtpPeer } = await import('../e2e/lib/smtp-peer.mjs');
const smtpPeer = await startSmtpPeer(MAIL_LOG);
log(`SMTP server for the e-mail test at ${smtpPeer.url}`);
const serverLog = createWriteStream(SERVER_LOG);
log(`starting the server on ${baseUrl} (DATA_DIR ${dataDir}, log ${SERVER_LOG})`);
// Always the embedded database with the demo data: never a DATABASE_URL from the caller's environment.
const serverEnv = {
  ...process.env,
  PORT: String(port),
  HOST: '127.0.0.1',
  DATA_DIR: dataDir,
  DEMO_DATA: 'true',
  // The webhook scenario's receiver listens on 127.0.0.1, which is refused unless private addresses are allowed.
  WEBHOOK_ALLOW_PRIVATE: 'true',
  LOG_LEVEL: process.env.E2E_LOG_LEVEL ?? 'info',
  FORCE_COLOR: '0',
  OIDC_ISSUER_URL: oidcPeer.issuer,
  OIDC_CLIENT_ID: OIDC_CLIENT.id,
  OIDC_CLIENT_SECRET: OIDC_CLIENT.secret,
  OIDC_ADMIN_GROUPS: 'acos-admins',
  OIDC_INVESTIGATOR_GROUPS: 'acos-investigators',
  OIDC_SCOPES_CLAIM: 'acos_scopes',
  OIDC_LABEL: 'Test IdP',
  SMTP_URL: smtpPeer.url,
  MAIL_FROM: 'AuditCaseOS <alerts@e2e.test>',
};
for (const name of ['EMAIL_RETRY_BASE_MS', 'EMAIL_RETRY_MAX_MS', 'PUBLIC_URL', 'OIDC_LOCAL_LOGIN', 'OIDC_ROLES_CLAIM', 'DATABASE_URL', 'NODE_ENV', 'JWT_SECRET', 'ADMIN_EMAIL', 'ADMIN_PASSWORD', 'OUTBOX_DISPATCHER', 'SCHEDULER']) {
  delete serverEnv[name];
}
let testRun = null;
const server = spawn(process.execPath, [SERVER_ENTRY], {
  env: serverEnv,
  stdio: ['ignore', 'pipe', 'pipe'],
});
server.stdout.pipe(serverLog);
server.stderr.pipe(serverLog);
let serverExit = null;
const serverExited = new Promise((resolve) =>
  server.on('exit', (code, signal) => {
    serverExit = { code, signal };
    resolve(serverExit);
  }),
);

let cleanedUp = false;
async function stopServerAndClean() {
  if (cleanedUp) return;
  cleanedUp = true;
  if (!serverExit) {
    server.kill('SIGTERM');
    const stopped = await Promise.race([serverExited, new Promise((r) => setTimeout(() => r(null), STOP_TIMEOUT_MS))]);
    if (!stopped) {
      fail(`the server did not stop within ${STOP_TIMEOUT_MS / 1000}s of SIGTERM; killing it`);
      server.kill('SIGKILL');
      await serverExited;
    }
  }
  stopLeftoverPostgres();
  await oidcPeer.close();
  await smtpPeer.close();
  await new Promise((r) => serverLog.end(r));
  rmSync(dataDir, { recursive: true, force: true });
}

/** A server that died without stopping its embedded PostgreSQL leaves it running: stop that one (ours, by pid). */
function stopLeftoverPostgres() {
  const pidFile = join(dataDir, 'pg', 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0) return;
  try {
    process.kill(pid, 'SIGINT'); // PostgreSQL's "fast shutdown"
    log(`stopped the server's leftover PostgreSQL (pid ${pid})`);
  } catch {
    /* already gone */
  }
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    spawnSync('sleep', ['0.2']);
  }
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, async () => {
    log(`${signal}: stopping`);
    testRun?.kill(signal);
    await stopServerAndClean();
    process.exit(1);
  });
}

function tailOfServerLog(lines = 40) {
  try {
    return readFileSync(SERVER_LOG, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no server log)';
  }
}

async function waitForHealth() {
  const deadline = Date.now() + HEALTH_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (serverExit) return `the server exited during start-up (${serverExit.code ?? serverExit.signal})`;
    try {
      const res = await fetch(`${baseUrl}/api/v1/health`, { signal: AbortSignal.timeout(2000) });
      if (res.status === 200) return null;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return `the server was not healthy within ${HEALTH_TIMEOUT_MS / 1000}s`;
}

const problem = await waitForHealth();
if (problem) {
  fail(`${problem}; last lines of ${SERVER_LOG}:\n${tailOfServerLog()}`);
  await stopServerAndClean();
  process.exit(1);
}
log(`server healthy after ${elapsed()}`);

// --- 4. The tests --------------------------------------------------------------------------------
const testStarted = Date.now();

// A watchdog for the whole run (each test also has its own timeout): a hung browser never hangs CI. The 33 tests take
// 7–8 minutes on a busy 2-core machine, so the watchdog leaves room for that and still ends a hang well within CI's limit.
const RUN_TIMEOUT_MS = Number(process.env.E2E_TIMEOUT_MS ?? 15 * 60_000);
const testExit = await new Promise((resolve) => {
  testRun = spawn(process.execPath, testArgs, {
    stdio: 'inherit',
    env: { ...process.env, E2E_BASE_URL: baseUrl, E2E_SCREENSHOT_DIR: SCREENSHOT_DIR, E2E_CHROMIUM: CHROMIUM, E2E_MAIL_LOG: MAIL_LOG },
  });
  const watchdog = setTimeout(() => {
    fail(`the browser tests did not finish within ${RUN_TIMEOUT_MS / 1000}s; stopping them`);
    testRun.kill('SIGTERM');
    setTimeout(() => testRun.kill('SIGKILL'), 10_000).unref();
  }, RUN_TIMEOUT_MS);
  testRun.on('exit', (code, signal) => {
    clearTimeout(watchdog);
    resolve({ code, signal });
  });
});
log(`tests finished in ${((Date.now() - testStarted) / 1000).toFixed(1)}s`);

// --- 5. Stop, clean, report ----------------------------------------------------------------------
const crashedDuringTests = serverExit !== null;
await stopServerAndClean();
if (crashedDuringTests) {
  fail(`the server exited while the tests ran (${serverExit.code ?? serverExit.signal}); last lines of ${SERVER_LOG}:\n${tailOfServerLog()}`);
}
if (testExit.code !== 0) fail(`browser tests failed (exit ${testExit.code ?? testExit.signal}); screenshots in ${SCREENSHOT_DIR}/`);
log(`${process.exitCode ? 'FAILED' : 'passed'} in ${elapsed()}`);
process.exit(process.exitCode ?? 0);
