import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { availableParallelism } from 'node:os';
import { ConfigError, DEFAULT_ENGINE_PROCESS_OUTBOX_WORKERS, DEFAULT_OUTBOX_WORKERS, loadConfig } from './app-config';

const SECRET = 's'.repeat(40);

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe('loadConfig', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync('/var/tmp/acos-config-');
    chmodSync(dir, 0o755);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('has the documented defaults', () => {
    const config = loadConfig({ DATA_DIR: join(dir, 'defaults'), JWT_SECRET: SECRET });
    expect(config).toMatchObject({
      port: 3000, host: '127.0.0.1', databaseUrl: undefined, dataDir: join(dir, 'defaults'), demoData: true,
      evidenceMaxBytes: 26214400, adminEmail: undefined, adminPassword: undefined, nodeEnv: 'development', outboxDispatcher: true,
      scheduler: true, clientDir: resolve('dist/client/browser'),
    });
    expect(loadConfig({ JWT_SECRET: SECRET, DATA_DIR: dir, CLIENT_DIR: '/srv/console' }).clientDir).toBe('/srv/console');
    // With your own PostgreSQL, ./data wherever the checkout is (the root rules for the embedded one: data-dir.spec.ts).
    expect(loadConfig({ JWT_SECRET: SECRET, DATABASE_URL: 'postgres://u:p@db/acos' }).dataDir).toBe(resolve('./data'));
  });

  it('reads PORT, HOST, DATABASE_URL, EVIDENCE_MAX_BYTES and the admin credentials', () => {
    const config = loadConfig({
      PORT: '8080', HOST: '0.0.0.0', DATABASE_URL: 'postgres://u:p@db:5432/acos', JWT_SECRET: SECRET, DATA_DIR: dir,
      EVIDENCE_MAX_BYTES: '1024', ADMIN_EMAIL: 'root@example.com', ADMIN_PASSWORD: 'long-enough-admin-pw', OUTBOX_DISPATCHER: 'off',
      SCHEDULER: 'off',
    });
    expect(config).toMatchObject({
      port: 8080, host: '0.0.0.0', databaseUrl: 'postgres://u:p@db:5432/acos', evidenceMaxBytes: 1024,
      adminEmail: 'root@example.com', adminPassword: 'long-enough-admin-pw', outboxDispatcher: false,
      scheduler: false,
    });
  });

  it('rejects a bad PORT, naming it', () => {
    for (const PORT of ['abc', '-1', '65536', '3000x', '1.5']) {
      const problems = problemsOf({ PORT, JWT_SECRET: SECRET, DATA_DIR: dir });
      expect({ PORT, problems }).toEqual({ PORT, problems: [expect.stringContaining('PORT')] });
    }
    expect(loadConfig({ PORT: '0', JWT_SECRET: SECRET, DATA_DIR: dir }).port).toBe(0);
  });

  it('reads the operations settings (LOG_FORMAT, METRICS_TOKEN, retention) and rejects bad ones', () => {
    const base = { JWT_SECRET: SECRET, DATA_DIR: dir };
    // Jest's stdout is not a terminal: JSON unless asked otherwise; production is JSON even on a terminal.
    expect(loadConfig(base)).toMatchObject({ logFormat: 'json', metricsToken: undefined, historyRetentionDays: 0, notificationRetentionDays: 180 });
    expect(loadConfig({ ...base, LOG_FORMAT: 'pretty' }).logFormat).toBe('pretty');
    expect(loadConfig({ ...base, METRICS_TOKEN: 'm'.repeat(20), HISTORY_RETENTION_DAYS: '365', NOTIFICATION_RETENTION_DAYS: '0' }))
      .toMatchObject({ metricsToken: 'm'.repeat(20), historyRetentionDays: 365, notificationRetentionDays: 0 });
    expect(problemsOf({ ...base, LOG_FORMAT: 'xml', METRICS_TOKEN: 'short', HISTORY_RETENTION_DAYS: '-1', NOTIFICATION_RETENTION_DAYS: 'soon' })).toEqual([
      'LOG_FORMAT must be json or pretty',
      'METRICS_TOKEN must be at least 16 characters',
      'HISTORY_RETENTION_DAYS must be a whole number, got "-1"',
      'NOTIFICATION_RETENTION_DAYS must be a whole number, got "soon"',
    ]);
    // The dashboard's counters: 90 days unless told, never fewer than the 7-day charts need.
    expect(loadConfig(base).statsRetentionDays).toBe(90);
    expect(loadConfig({ ...base, STATS_RETENTION_DAYS: '30' }).statsRetentionDays).toBe(30);
    expect(problemsOf({ ...base, STATS_RETENTION_DAYS: '3' })).toEqual([expect.stringMatching(/^STATS_RETENTION_DAYS/)]);
  });

  it('reads the circuit breaker and outbox settings (RULE_PAUSE_AFTER_FAILURES 0 = off) and rejects bad ones', () => {
    const base = { JWT_SECRET: SECRET, DATA_DIR: dir };
    expect(loadConfig(base)).toMatchObject({ rulePauseAfterFailures: 5, outboxMaxAttempts: 8, outboxRetryBaseMs: 1000, outboxWorkers: DEFAULT_OUTBOX_WORKERS, outboxPollMs: 1000, engineProcess: 'shared' });
    expect(loadConfig({ ...base, RULE_PAUSE_AFTER_FAILURES: '0', OUTBOX_MAX_ATTEMPTS: '2', OUTBOX_RETRY_BASE_MS: '10', OUTBOX_WORKERS: '2', OUTBOX_POLL_MS: '60000' }))
      .toMatchObject({ rulePauseAfterFailures: 0, outboxMaxAttempts: 2, outboxRetryBaseMs: 10, outboxWorkers: 2, outboxPollMs: 60000 });
    expect(problemsOf({ ...base, RULE_PAUSE_AFTER_FAILURES: 'five', OUTBOX_MAX_ATTEMPTS: '0', OUTBOX_RETRY_BASE_MS: '5', OUTBOX_WORKERS: '0', OUTBOX_POLL_MS: '10', ENGINE_PROCESS: 'thread' })).toEqual([
      'RULE_PAUSE_AFTER_FAILURES must be a whole number, got "five"',
      'OUTBOX_MAX_ATTEMPTS must be between 1 and 50, got 0',
      'OUTBOX_RETRY_BASE_MS must be between 10 and 3600000, got 5',
      'OUTBOX_WORKERS must be between 1 and 32, got 0',
      'OUTBOX_POLL_MS must be between 50 and 600000, got 10',
      'ENGINE_PROCESS must be shared or separate, got "thread"',
    ]);
  });

  it('a separate engine process runs fewer, fuller outbox batches by default; OUTBOX_WORKERS still decides when set', () => {
    const base = { JWT_SECRET: SECRET, DATA_DIR: dir, INTERNAL_CLUSTER_WORKER: '1' };
    expect(loadConfig({ ...base, INTERNAL_CLUSTER_ROLE: 'engine' })).toMatchObject({ clusterRole: 'engine', outboxWorkers: DEFAULT_ENGINE_PROCESS_OUTBOX_WORKERS });
    expect(loadConfig({ ...base, INTERNAL_CLUSTER_ROLE: 'web' })).toMatchObject({ clusterRole: 'web', outboxWorkers: DEFAULT_OUTBOX_WORKERS });
    expect(loadConfig({ ...base, INTERNAL_CLUSTER_ROLE: 'engine', OUTBOX_WORKERS: '6' })).toMatchObject({ outboxWorkers: 6 });
    expect(loadConfig({ JWT_SECRET: SECRET, DATA_DIR: dir, ENGINE_PROCESS: 'separate' })).toMatchObject({ engineProcess: 'separate', clusterRole: null });
    // E-mails and webhook calls go out where the dispatcher runs, and from request processes beside an engine process.
    expect(loadConfig({ ...base, INTERNAL_CLUSTER_ROLE: 'web', OUTBOX_DISPATCHER: 'false' })).toMatchObject({ deliveryWorkers: true });
    expect(loadConfig({ ...base, INTERNAL_CLUSTER_ROLE: 'engine' })).toMatchObject({ deliveryWorkers: true });
    expect(loadConfig({ JWT_SECRET: SECRET, DATA_DIR: dir, OUTBOX_DISPATCHER: 'false' })).toMatchObject({ deliveryWorkers: false });
  });

  it('WEB_CONCURRENCY defaults to 1, takes a count or auto (one per core), and names anything else', () => {
    const base = { JWT_SECRET: SECRET, DATA_DIR: dir };
    expect(loadConfig(base).webConcurrency).toBe(1);
    expect(loadConfig({ ...base, WEB_CONCURRENCY: '3' }).webConcurrency).toBe(3);
    expect(loadConfig({ ...base, WEB_CONCURRENCY: 'auto' }).webConcurrency).toBe(availableParallelism());
    for (const WEB_CONCURRENCY of ['0', '-2', 'two', '1.5', '65']) {
      expect(problemsOf({ ...base, WEB_CONCURRENCY })).toEqual([expect.stringContaining('WEB_CONCURRENCY')]);
    }
    // Several processes need the PostgreSQL socket adapter: the in-memory one would leave other processes' sockets deaf.
    expect(problemsOf({ ...base, WEB_CONCURRENCY: '2', SOCKET_ADAPTER: 'memory' })).toEqual([expect.stringContaining('SOCKET_ADAPTER=memory')]);
  });

  it('reports every problem at once', () => {
    const problems = problemsOf({
      PORT: 'x', DATABASE_URL: 'mysql://nope', EVIDENCE_MAX_BYTES: '0', DEMO_DATA: 'maybe', JWT_SECRET: 'short', ADMIN_EMAIL: 'a@b.c', DATA_DIR: dir,
    });
    for (const name of ['PORT', 'DATABASE_URL', 'EVIDENCE_MAX_BYTES', 'DEMO_DATA', 'JWT_SECRET', 'ADMIN_PASSWORD']) {
      expect(problems.some((p) => p.includes(name))).toBe(true);
    }
    const error = (() => { try { loadConfig({ PORT: 'x', DATA_DIR: dir }); } catch (e) { return e as Error; } })();
    expect(error?.message).toMatch(/PORT/);
  });

  it('NODE_ENV=production without JWT_SECRET is a ConfigError naming JWT_SECRET, and writes no secret', () => {
    const dataDir = join(dir, 'prod');
    const problems = problemsOf({ NODE_ENV: 'production', DATA_DIR: dataDir });
    expect(problems).toEqual([expect.stringContaining('JWT_SECRET')]);
    expect(existsSync(join(dataDir, 'jwt-secret'))).toBe(false);
    expect(loadConfig({ NODE_ENV: 'production', DATA_DIR: dataDir, JWT_SECRET: SECRET }).jwtSecret).toBe(SECRET);
  });

  it('generates the JWT secret once into DATA_DIR (0600) and reuses it', () => {
    const dataDir = join(dir, 'fresh', 'nested');
    const first = loadConfig({ DATA_DIR: dataDir });
    const file = join(dataDir, 'jwt-secret');
    expect(first.jwtSecret.length).toBeGreaterThanOrEqual(32);
    expect(readFileSync(file, 'utf8').trim()).toBe(first.jwtSecret);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(loadConfig({ DATA_DIR: dataDir }).jwtSecret).toBe(first.jwtSecret);
    // Another data dir, another secret; an explicit JWT_SECRET wins and leaves the file alone.
    expect(loadConfig({ DATA_DIR: join(dir, 'other') }).jwtSecret).not.toBe(first.jwtSecret);
    expect(loadConfig({ DATA_DIR: dataDir, JWT_SECRET: SECRET }).jwtSecret).toBe(SECRET);
    expect(readFileSync(file, 'utf8').trim()).toBe(first.jwtSecret);
  });

  it('replaces an empty secret file (left by a crash) instead of signing with an empty key', () => {
    const dataDir = join(dir, 'empty-secret');
    loadConfig({ DATA_DIR: dataDir });
    writeFileSync(join(dataDir, 'jwt-secret'), '');
    const config = loadConfig({ DATA_DIR: dataDir });
    expect(config.jwtSecret.length).toBeGreaterThanOrEqual(32);
    expect(loadConfig({ DATA_DIR: dataDir }).jwtSecret).toBe(config.jwtSecret);
  });

  it('DEMO_DATA defaults to true with the embedded database and false with DATABASE_URL; an explicit value wins', () => {
    const base = { JWT_SECRET: SECRET, DATA_DIR: dir };
    expect(loadConfig(base).demoData).toBe(true);
    expect(loadConfig({ ...base, DATABASE_URL: 'postgresql://localhost/x' }).demoData).toBe(false);
    expect(loadConfig({ ...base, DEMO_DATA: 'false' }).demoData).toBe(false);
    expect(loadConfig({ ...base, DATABASE_URL: 'postgresql://localhost/x', DEMO_DATA: 'true' }).demoData).toBe(true);
    expect(loadConfig({ ...base, DATABASE_URL: '  ' }).demoData).toBe(true);
  });

  it('PUBLIC_URL defaults to http://HOST:PORT, drops a trailing slash, and must be an http(s) URL', () => {
    const base = { JWT_SECRET: SECRET, DATA_DIR: dir };
    expect(loadConfig(base).publicUrl).toBe('http://127.0.0.1:3000');
    expect(loadConfig({ ...base, HOST: '::1', PORT: '8080' }).publicUrl).toBe('http://[::1]:8080');
    expect(loadConfig({ ...base, PUBLIC_URL: 'https://audit.example.com/app/' }).publicUrl).toBe('https://audit.example.com/app');
    for (const PUBLIC_URL of ['audit.example.com', 'ftp://audit.example.com', 'https://a.example.com/?x=1', 'https://a.example.com/#top']) {
      expect({ PUBLIC_URL, problems: problemsOf({ ...base, PUBLIC_URL }) }).toEqual({ PUBLIC_URL, problems: [expect.stringContaining('PUBLIC_URL')] });
    }
  });

  it('SMTP_URL is smtp:// or smtps:// (unset: no e-mail) and is never echoed; MAIL_FROM defaults from PUBLIC_URL', () => {
    const base = { JWT_SECRET: SECRET, DATA_DIR: dir };
    expect(loadConfig(base).email).toMatchObject({ smtpUrl: undefined, from: 'AuditCaseOS <no-reply@127.0.0.1>', retryBaseMs: 30_000, retryWindowMs: 86_400_000 });
    const on = loadConfig({ ...base, SMTP_URL: 'smtps://u%40x:p%3Ass@mail.example.com', PUBLIC_URL: 'https://audit.example.com', EMAIL_RETRY_BASE_MS: '50' });
    expect(on.email).toMatchObject({ smtpUrl: 'smtps://u%40x:p%3Ass@mail.example.com', from: 'AuditCaseOS <no-reply@audit.example.com>', retryBaseMs: 50 });
    expect(loadConfig({ ...base, MAIL_FROM: 'Audit <alerts@example.com>' }).email.from).toBe('Audit <alerts@example.com>');
    expect(loadConfig({ ...base, MAIL_FROM: 'alerts@example.com' }).email.from).toBe('alerts@example.com');
    for (const SMTP_URL of ['mail.example.com', 'http://mail.example.com', 'smtp://', 'smtp://user:Secret-Pw@']) {
      const problems = problemsOf({ ...base, SMTP_URL });
      expect({ SMTP_URL, problems }).toEqual({ SMTP_URL, problems: [expect.stringContaining('SMTP_URL')] });
      expect(problems.join()).not.toContain('Secret-Pw');
    }
    expect(problemsOf({ ...base, MAIL_FROM: 'not an address' })).toEqual([expect.stringContaining('MAIL_FROM')]);
    expect(problemsOf({ ...base, EMAIL_RETRY_BASE_MS: '5000', EMAIL_RETRY_MAX_MS: '1000' })).toEqual([expect.stringContaining('EMAIL_RETRY_MAX_MS')]);
  });

  it('TRUST_PROXY takes Express trust proxy values (default loopback) and names anything else', () => {
    const base = { JWT_SECRET: SECRET, DATA_DIR: dir };
    expect(loadConfig(base).trustProxy).toEqual(['loopback']);
    expect(loadConfig({ ...base, TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    expect(loadConfig({ ...base, TRUST_PROXY: 'false' }).trustProxy).toBe(false);
    expect(loadConfig({ ...base, TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(loadConfig({ ...base, TRUST_PROXY: 'loopback, 10.0.0.0/8,fd00::/8, 192.0.2.7' }).trustProxy).toEqual(['loopback', '10.0.0.0/8', 'fd00::/8', '192.0.2.7']);
    for (const TRUST_PROXY of ['everyone', '10.0.0.0/33', '10.0.0/8', 'fd00::/129', '1.2.3.4/8/8']) {
      expect({ TRUST_PROXY, problems: problemsOf({ ...base, TRUST_PROXY }) }).toEqual({ TRUST_PROXY, problems: [expect.stringContaining('TRUST_PROXY')] });
    }
  });

  it('LOGIN_MAX_FAILURES_PER_ADDRESS defaults to 100 and must be a positive whole number; ADMIN_PASSWORD follows the password policy', () => {
    const base = { JWT_SECRET: SECRET, DATA_DIR: dir };
    expect(loadConfig(base)).toMatchObject({ loginMaxFailuresPerAddress: 100, loginMaxFailuresPerAccount: 10, scryptLog2N: 17 });
    expect(loadConfig({ ...base, LOGIN_MAX_FAILURES_PER_ADDRESS: '500' }).loginMaxFailuresPerAddress).toBe(500);
    for (const LOGIN_MAX_FAILURES_PER_ADDRESS of ['0', '-1', 'many', '1.5']) {
      expect(problemsOf({ ...base, LOGIN_MAX_FAILURES_PER_ADDRESS })).toEqual([expect.stringContaining('LOGIN_MAX_FAILURES_PER_ADDRESS')]);
    }
    expect(problemsOf({ ...base, ADMIN_EMAIL: 'root@example.com', ADMIN_PASSWORD: 'qwerty123456' })).toEqual([expect.stringMatching(/ADMIN_PASSWORD.*commonly used/)]);
    expect(problemsOf({ ...base, ADMIN_EMAIL: 'root@example.com', ADMIN_PASSWORD: 'short' })).toEqual([expect.stringMatching(/ADMIN_PASSWORD.*12 characters/)]);
  });
});
