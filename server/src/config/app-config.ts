import { Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, linkSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { passwordProblem } from '../auth/password-policy';
import { importFirstReleaseFiles } from '../database/first-release';
import { isRoot } from '../database/postgres-os';
import { parseOidcConfig, type OidcConfig } from '../auth/oidc/oidc-config';
import { placeDataDir, prepareDataDir } from './data-dir';

/** The process configuration, validated once at boot. */
export interface AppConfig {
  nodeEnv: string;
  port: number;
  host: string;
  /** Unset: an embedded PostgreSQL is started under `dataDir/pg`. */
  databaseUrl: string | undefined;
  /** Where the data lives: DATA_DIR, or the root default (README "Where the data lives"). */
  dataDir: string;
  /** DATA_DIRs whose first-release database belongs in this one (itself, and ./data when the root default moved). */
  formerDataDirs: string[];
  jwtSecret: string;
  jwtExpiresInSeconds: number;
  adminEmail: string | undefined;
  adminPassword: string | undefined;
  demoData: boolean;
  evidenceMaxBytes: number;
  /** Origins allowed by CORS besides the console's own (same-origin) requests. */
  corsOrigins: string[];
  /** How long processed events' traces are kept. */
  traceRetentionDays: number;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  /** `json`: one object per line (files, log shippers); `pretty`: readable text, coloured only on a terminal. */
  logFormat: 'json' | 'pretty';
  /** METRICS_TOKEN: a bearer token /metrics accepts from scrapers on other hosts. */
  metricsToken: string | undefined;
  /** Workflow history older than this is removed (0: kept forever). */
  historyRetentionDays: number;
  /** Read notifications older than this are removed (0: kept forever). */
  notificationRetentionDays: number;
  /** The ops dashboard's hourly run counters and backlog samples older than this are removed (at least 8: the 7-day charts). */
  statsRetentionDays: number;
  /** `postgres` fans socket events out to every process sharing the database. */
  socketAdapter: 'postgres' | 'memory';
  /** OUTBOX_DISPATCHER=off: this process records events but leaves their processing to others (tests, maintenance). */
  outboxDispatcher: boolean;
  /** SCHEDULER=off: this process runs no time-based rules and no housekeeping (tests, API-only processes). */
  scheduler: boolean;
  /** CLIENT_DIR: the built Angular console served at `/` (default dist/client/browser). */
  clientDir: string;
  /** PUBLIC_URL: the console's address in links (setup link, e-mails), without a trailing slash. */
  publicUrl: string;
  /** TRUST_PROXY: Express `trust proxy` value deciding whose X-Forwarded-For names the client. */
  trustProxy: boolean | number | string[];
  /** LOGIN_MAX_FAILURES_PER_ADDRESS: failed logins from one address in 15 minutes before it gets 429 for every account. */
  loginMaxFailuresPerAddress: number;
  /** Failed logins on one account in 15 minutes before addresses with recent failures are told to wait. */
  loginMaxFailuresPerAccount: number;
  /** log2 of scrypt's N; 17 (OWASP) unless the test suites lower it through INTERNAL_TEST_SCRYPT_LOG2N. */
  scryptLog2N: number;
  /** Single sign-on (OIDC_*); null when off. */
  oidc: OidcConfig | null;
  /** Outgoing webhooks (README "Webhooks"). */
  webhooks: WebhookSettings;
  /** E-mail notifications (README "E-mail"). */
  email: EmailSettings;
  /** RULE_PAUSE_AFTER_FAILURES: consecutive failed runs after which a rule pauses itself (0: never). */
  rulePauseAfterFailures: number;
  /** OUTBOX_MAX_ATTEMPTS: attempts at an event before it is set aside as a dead letter. */
  outboxMaxAttempts: number;
  /** OUTBOX_RETRY_BASE_MS: delay before an event's second attempt; each later one doubles. */
  outboxRetryBaseMs: number;
  /** OUTBOX_WORKERS: concurrent outbox batches per process. */
  outboxWorkers: number;
  /** OUTBOX_POLL_MS: how often an idle dispatcher looks for events (retries falling due; commits wake it anyway). */
  outboxPollMs: number;
  /**
   * WEB_CONCURRENCY: server processes sharing the port on this machine (`auto`: one per core). Above 1, this
   * process only supervises: it starts the embedded PostgreSQL if there is one and hands connections to workers.
   */
  webConcurrency: number;
  /**
   * ENGINE_PROCESS: `shared` (default), every server process also runs the engine and the schedules; `separate`, one
   * more process runs them and takes no requests, so rule runs never wait behind HTTP work in an event loop.
   */
  engineProcess: EngineProcess;
  /** This process's index when a WEB_CONCURRENCY supervisor started it (set by the supervisor, not by operators). */
  clusterWorker: number | null;
  /** What a supervisor started this process for: requests (`web`), the engine alone (`engine`); null: not a worker. */
  clusterRole: ClusterRole | null;
  /**
   * Whether this process sends queued e-mails and webhook calls: where the outbox dispatcher runs, and in the request
   * processes beside a separate engine process (a redelivery an admin asks for leaves at once from there).
   */
  deliveryWorkers: boolean;
}

export type EngineProcess = 'shared' | 'separate';
export type ClusterRole = 'web' | 'engine';

export interface EmailSettings {
  /** SMTP_URL: smtp://user:pass@host:port or smtps://…; undefined: no e-mail is queued or sent. */
  smtpUrl: string | undefined;
  /** MAIL_FROM: the sender, `Name <address>` or a bare address (default AuditCaseOS <no-reply@PUBLIC_URL's host>). */
  from: string;
  /** EMAIL_TIMEOUT_MS: how long one SMTP conversation may take (connect, greeting, each command). */
  timeoutMs: number;
  /** EMAIL_RETRY_BASE_MS: the first retry's delay; each later one doubles, with jitter. */
  retryBaseMs: number;
  /** EMAIL_RETRY_MAX_MS: the longest delay between two attempts. */
  retryMaxMs: number;
  /** EMAIL_RETRY_WINDOW_MS: how long a mail is retried before it is marked FAILED (default 24 h). */
  retryWindowMs: number;
  /** EMAIL_POLL_MS: how often the mail worker looks for due mails when nothing woke it. */
  pollMs: number;
  /** INTERNAL_TEST_EMAIL_PAUSE_AFTER_CLAIM_MS: a pause between claim and send, only for the crash test. */
  pauseAfterClaimMs: number;
}

export interface WebhookSettings {
  /** WEBHOOK_ALLOW_PRIVATE: deliveries may go to loopback/private/link-local addresses (tests, closed networks). */
  allowPrivate: boolean;
  /** WEBHOOK_TIMEOUT_MS: how long one delivery attempt may take (the contract's 10 s). */
  timeoutMs: number;
  /** WEBHOOK_RETRY_BASE_MS: the first retry's delay; each later one doubles, with jitter. */
  retryBaseMs: number;
  /** WEBHOOK_RETRY_MAX_MS: the longest delay between two attempts. */
  retryMaxMs: number;
  /** WEBHOOK_RETRY_WINDOW_MS: how long a delivery is retried before it is marked FAILED (default 25 h). */
  retryWindowMs: number;
  /** WEBHOOK_POLL_MS: how often the delivery worker looks for due deliveries when nothing woke it. */
  pollMs: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
}

type Env = Record<string, string | undefined>;

function parseInteger(env: Env, name: string, fallback: number, min: number, max: number, problems: string[]): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw.trim())) {
    problems.push(`${name} must be a whole number, got "${raw}"`);
    return fallback;
  }
  const value = Number(raw);
  if (value < min || value > max) problems.push(`${name} must be between ${min} and ${max}, got ${value}`);
  return value;
}

/** How many server processes WEB_CONCURRENCY asks for (1 when it is invalid: loadConfig then reports it). */
export function webConcurrencyOf(env: Env): number {
  return parseWebConcurrency(env.WEB_CONCURRENCY, []);
}

/** Whether this process supervises workers rather than serving itself (read before the full config is loaded). */
export function supervisesWorkers(env: Env): boolean {
  return env.INTERNAL_CLUSTER_WORKER === undefined && (webConcurrencyOf(env) > 1 || parseEngineProcess(env.ENGINE_PROCESS, []) === 'separate');
}

function parseEngineProcess(raw: string | undefined, problems: string[]): EngineProcess {
  const value = raw?.trim() || 'shared';
  if (value === 'shared' || value === 'separate') return value;
  problems.push(`ENGINE_PROCESS must be shared or separate, got "${raw}"`);
  return 'shared';
}

/** WEB_CONCURRENCY: a count of processes, or `auto` for one per core. */
function parseWebConcurrency(raw: string | undefined, problems: string[]): number {
  const value = raw?.trim() || '1';
  if (value === 'auto') return availableParallelism();
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 64) {
    problems.push('WEB_CONCURRENCY must be a whole number from 1 to 64, or auto (one process per core)');
    return 1;
  }
  return Number(value);
}

function parseBoolean(env: Env, name: string, fallback: boolean, problems: string[]): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const v = raw.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(v)) return true;
  if (['false', '0', 'no', 'off'].includes(v)) return false;
  problems.push(`${name} must be true or false, got "${raw}"`);
  return fallback;
}

const MIN_SECRET_LENGTH = 32;
/**
 * Concurrent outbox batches per process. A batch spends most of its time waiting for round trips, and under heavy
 * HTTP traffic each wait queues behind requests: several batches keep the engine moving. Too many split the
 * backlog into tiny batches, each paying the per-batch statements and skipping its siblings' locked rows: 8 cost
 * about a fifth more CPU per change than 4 for less engine throughput (bench/README.md has the measurements).
 */
export const DEFAULT_OUTBOX_WORKERS = 4;
/**
 * In a separate engine process nothing else competes for the event loop, and a woken batch finds only the few events
 * committed since the last one: fewer, fuller batches cost less per event (bench/README.md, ENGINE_PROCESS).
 */
export const DEFAULT_ENGINE_PROCESS_OUTBOX_WORKERS = 2;

const TRUST_PROXY_NAMES = ['loopback', 'linklocal', 'uniquelocal'];

/** Express `trust proxy` syntax: true/false, a hop count, or a comma list of names, addresses and CIDR ranges. */
function parseTrustProxy(raw: string | undefined, problems: string[]): AppConfig['trustProxy'] {
  const value = raw?.trim() || 'loopback';
  if (value === 'true' || value === 'false') return value === 'true';
  if (/^\d+$/.test(value)) return Number(value);
  const parts = value.split(',').map((p) => p.trim()).filter(Boolean);
  for (const part of parts) {
    if (TRUST_PROXY_NAMES.includes(part)) continue;
    const [address, prefix, extra] = part.split('/');
    const family = isIP(address);
    const maxPrefix = family === 4 ? 32 : 128;
    const prefixOk = prefix === undefined || (/^\d+$/.test(prefix) && Number(prefix) <= maxPrefix)
      || (family === 4 && isIP(prefix) === 4);
    if (!family || !prefixOk || extra !== undefined) {
      problems.push(`TRUST_PROXY must be true, false, a hop count or a comma list of loopback/linklocal/uniquelocal, addresses and CIDR ranges; "${part}" is none of these`);
    }
  }
  return parts;
}

function parseSmtpUrl(raw: string | undefined, problems: string[]): string | undefined {
  const value = raw?.trim();
  if (!value) return undefined;
  try {
    const url = new URL(value);
    if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') throw new Error('scheme');
    if (!url.hostname) throw new Error('host');
  } catch {
    // The URL may hold a password: never echo it.
    problems.push('SMTP_URL must be smtp://[user:password@]host[:port] or smtps://…');
    return undefined;
  }
  return value;
}

const MAIL_ADDRESS = /^[^@\s<>"]+@[^@\s<>"]+$/;

function parseMailFrom(raw: string | undefined, publicUrl: string, problems: string[]): string {
  const value = raw?.trim();
  if (!value) {
    let host = 'localhost';
    try {
      host = new URL(publicUrl).hostname.replace(/^\[|\]$/g, '') || host;
    } catch { /* a bad PORT or PUBLIC_URL is reported on its own */ }
    return `AuditCaseOS <no-reply@${host}>`;
  }
  const named = /^([^<>]*)<([^<>]+)>$/.exec(value);
  if (!MAIL_ADDRESS.test(named ? named[2].trim() : value)) problems.push(`MAIL_FROM must be an address or "Name <address>", got "${value}"`);
  return value;
}

function parsePublicUrl(raw: string | undefined, host: string, port: number, problems: string[]): string {
  const fallback = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const value = raw?.trim();
  if (!value) return fallback;
  try {
    const url = new URL(value);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('scheme');
    if (url.search || url.hash) throw new Error('query');
  } catch {
    problems.push(`PUBLIC_URL must be an http:// or https:// URL without query or fragment, got "${value}"`);
    return fallback;
  }
  return value.replace(/\/+$/, '');
}

/**
 * Reads the JWT secret from DATA_DIR, creating it (0600) on first start.
 * Written to a temporary file and linked into place, so a crash never leaves
 * an empty secret and two processes starting together agree on one.
 */
function persistedSecret(dataDir: string): string {
  const file = join(dataDir, 'jwt-secret');
  const read = () => (existsSync(file) ? readFileSync(file, 'utf8').trim() : '');
  const existing = read();
  if (existing.length >= MIN_SECRET_LENGTH) return existing;
  mkdirSync(dataDir, { recursive: true });
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  writeFileSync(tmp, randomBytes(48).toString('base64url') + '\n', { mode: 0o600 });
  try {
    chmodSync(tmp, 0o600);
    // link() fails if another process got there first: theirs wins. An unusable file (empty, truncated) is replaced.
    if (existing) renameSync(tmp, file);
    else {
      try {
        linkSync(tmp, file);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        if (read().length < MIN_SECRET_LENGTH) renameSync(tmp, file);
      }
    }
  } finally {
    rmSync(tmp, { force: true });
  }
  return read();
}

/** LOG_FORMAT, or its default: JSON in production and whenever stdout is not a terminal (a file, a pipe, a container log). */
export function logFormatOf(env: Env): AppConfig['logFormat'] {
  const nodeEnv = env.NODE_ENV?.trim() || 'development';
  return (env.LOG_FORMAT?.trim() || (nodeEnv === 'production' || !process.stdout.isTTY ? 'json' : 'pretty')) as AppConfig['logFormat'];
}

export function loadConfig(env: Env = process.env): AppConfig {
  const problems: string[] = [];
  const nodeEnv = env.NODE_ENV?.trim() || 'development';
  const port = parseInteger(env, 'PORT', 3000, 0, 65535, problems);
  const host = env.HOST?.trim() || '127.0.0.1';
  const databaseUrl = env.DATABASE_URL?.trim() || undefined;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    problems.push('DATABASE_URL must be a postgres:// or postgresql:// URL');
  }
  const placement = placeDataDir(env, !databaseUrl);
  if (placement.problem) problems.push(placement.problem);
  const { dataDir, formerDataDirs } = placement;
  const adminEmail = env.ADMIN_EMAIL?.trim() || undefined;
  const adminPassword = env.ADMIN_PASSWORD || undefined;
  if (!!adminEmail !== !!adminPassword) problems.push('ADMIN_EMAIL and ADMIN_PASSWORD must be set together');
  if (adminEmail && !/^[^@\s]+@[^@\s]+$/.test(adminEmail)) problems.push('ADMIN_EMAIL is not an email address');
  const adminPasswordProblem = adminPassword ? passwordProblem(adminPassword, adminEmail) : null;
  if (adminPasswordProblem) problems.push(`ADMIN_PASSWORD: ${adminPasswordProblem}`);
  const demoData = parseBoolean(env, 'DEMO_DATA', !databaseUrl, problems);
  const evidenceMaxBytes = parseInteger(env, 'EVIDENCE_MAX_BYTES', 26214400, 1, 10 * 1024 ** 3, problems);
  const jwtExpiresInSeconds = parseInteger(env, 'JWT_EXPIRES_IN_SECONDS', 8 * 3600, 10, 30 * 24 * 3600, problems);
  const traceRetentionDays = parseInteger(env, 'TRACE_RETENTION_DAYS', 7, 1, 3650, problems);
  const logLevel = (env.LOG_LEVEL?.trim() || 'info') as AppConfig['logLevel'];
  if (!['debug', 'info', 'warn', 'error'].includes(logLevel)) problems.push('LOG_LEVEL must be debug, info, warn or error');
  const logFormat = logFormatOf(env);
  if (!['json', 'pretty'].includes(logFormat)) problems.push('LOG_FORMAT must be json or pretty');
  const metricsToken = env.METRICS_TOKEN || undefined;
  if (metricsToken !== undefined && metricsToken.length < 16) problems.push('METRICS_TOKEN must be at least 16 characters');
  const historyRetentionDays = parseInteger(env, 'HISTORY_RETENTION_DAYS', 0, 0, 36500, problems);
  const notificationRetentionDays = parseInteger(env, 'NOTIFICATION_RETENTION_DAYS', 180, 0, 36500, problems);
  const statsRetentionDays = parseInteger(env, 'STATS_RETENTION_DAYS', 90, 8, 36500, problems);
  const socketAdapter = (env.SOCKET_ADAPTER?.trim() || (databaseUrl ? 'postgres' : 'memory')) as AppConfig['socketAdapter'];
  if (!['postgres', 'memory'].includes(socketAdapter)) problems.push('SOCKET_ADAPTER must be postgres or memory');
  const outboxDispatcher = parseBoolean(env, 'OUTBOX_DISPATCHER', true, problems);
  const scheduler = parseBoolean(env, 'SCHEDULER', true, problems);
  const corsOrigins = (env.CORS_ORIGINS ?? '').split(',').map((o) => o.trim()).filter(Boolean);
  const clientDir = resolve(env.CLIENT_DIR?.trim() || 'dist/client/browser');
  const publicUrl = parsePublicUrl(env.PUBLIC_URL, host, port, problems);
  const trustProxy = parseTrustProxy(env.TRUST_PROXY, problems);
  const loginMaxFailuresPerAddress = parseInteger(env, 'LOGIN_MAX_FAILURES_PER_ADDRESS', 100, 1, 1_000_000, problems);
  const loginMaxFailuresPerAccount = parseInteger(env, 'LOGIN_MAX_FAILURES_PER_ACCOUNT', 10, 1, 10_000, problems);
  const scryptLog2N = parseInteger(env, 'INTERNAL_TEST_SCRYPT_LOG2N', 17, 10, 20, problems);
  const webhooks: WebhookSettings = {
    allowPrivate: parseBoolean(env, 'WEBHOOK_ALLOW_PRIVATE', false, problems),
    timeoutMs: parseInteger(env, 'WEBHOOK_TIMEOUT_MS', 10_000, 100, 10_000, problems),
    retryBaseMs: parseInteger(env, 'WEBHOOK_RETRY_BASE_MS', 30_000, 10, 60_000, problems),
    retryMaxMs: parseInteger(env, 'WEBHOOK_RETRY_MAX_MS', 3_600_000, 10, 24 * 3_600_000, problems),
    retryWindowMs: parseInteger(env, 'WEBHOOK_RETRY_WINDOW_MS', 25 * 3_600_000, 100, 30 * 24 * 3_600_000, problems),
    pollMs: parseInteger(env, 'WEBHOOK_POLL_MS', 1000, 10, 60_000, problems),
  };
  if (webhooks.retryMaxMs < webhooks.retryBaseMs) problems.push('WEBHOOK_RETRY_MAX_MS must not be below WEBHOOK_RETRY_BASE_MS');
  const email: EmailSettings = {
    smtpUrl: parseSmtpUrl(env.SMTP_URL, problems),
    from: parseMailFrom(env.MAIL_FROM, publicUrl, problems),
    timeoutMs: parseInteger(env, 'EMAIL_TIMEOUT_MS', 30_000, 100, 600_000, problems),
    retryBaseMs: parseInteger(env, 'EMAIL_RETRY_BASE_MS', 30_000, 10, 3_600_000, problems),
    retryMaxMs: parseInteger(env, 'EMAIL_RETRY_MAX_MS', 3_600_000, 10, 24 * 3_600_000, problems),
    retryWindowMs: parseInteger(env, 'EMAIL_RETRY_WINDOW_MS', 24 * 3_600_000, 100, 30 * 24 * 3_600_000, problems),
    pollMs: parseInteger(env, 'EMAIL_POLL_MS', 1000, 10, 60_000, problems),
    pauseAfterClaimMs: parseInteger(env, 'INTERNAL_TEST_EMAIL_PAUSE_AFTER_CLAIM_MS', 0, 0, 600_000, problems),
  };
  if (email.retryMaxMs < email.retryBaseMs) problems.push('EMAIL_RETRY_MAX_MS must not be below EMAIL_RETRY_BASE_MS');
  const oidc = parseOidcConfig(env, problems);
  const rulePauseAfterFailures = parseInteger(env, 'RULE_PAUSE_AFTER_FAILURES', 5, 0, 1000, problems);
  const outboxMaxAttempts = parseInteger(env, 'OUTBOX_MAX_ATTEMPTS', 8, 1, 50, problems);
  const outboxRetryBaseMs = parseInteger(env, 'OUTBOX_RETRY_BASE_MS', 1000, 10, 3_600_000, problems);
  const engineRole = env.INTERNAL_CLUSTER_WORKER !== undefined && env.INTERNAL_CLUSTER_ROLE === 'engine';
  const outboxWorkers = parseInteger(env, 'OUTBOX_WORKERS', engineRole ? DEFAULT_ENGINE_PROCESS_OUTBOX_WORKERS : DEFAULT_OUTBOX_WORKERS, 1, 32, problems);
  const outboxPollMs = parseInteger(env, 'OUTBOX_POLL_MS', 1000, 50, 600_000, problems);
  const webConcurrency = parseWebConcurrency(env.WEB_CONCURRENCY, problems);
  const engineProcess = parseEngineProcess(env.ENGINE_PROCESS, problems);
  if (webConcurrency > 1 && env.SOCKET_ADAPTER?.trim() === 'memory') {
    problems.push('SOCKET_ADAPTER=memory cannot be used with WEB_CONCURRENCY above 1: socket events must reach every process');
  }
  if (engineProcess === 'separate' && env.SOCKET_ADAPTER?.trim() === 'memory') {
    problems.push('SOCKET_ADAPTER=memory cannot be used with ENGINE_PROCESS=separate: the engine\'s notifications must reach the sockets of the other processes');
  }

  let jwtSecret = env.JWT_SECRET ?? '';
  if (jwtSecret && jwtSecret.length < MIN_SECRET_LENGTH) problems.push(`JWT_SECRET must be at least ${MIN_SECRET_LENGTH} characters`);
  if (!jwtSecret && nodeEnv === 'production') problems.push('JWT_SECRET is required when NODE_ENV=production');
  if (problems.length) throw new ConfigError(problems);
  const logger = new Logger('DataDir');
  if (!databaseUrl && isRoot()) prepareDataDir(dataDir, (m) => logger.log(m));
  if (placement.note) {
    logger.log(placement.note);
    // Before a new secret is generated here: the first release's one must win.
    for (const former of formerDataDirs) if (former !== dataDir) importFirstReleaseFiles(former, dataDir, (m) => logger.log(m));
  }
  if (!jwtSecret) jwtSecret = persistedSecret(dataDir);

  return {
    nodeEnv, port, host, databaseUrl, dataDir, formerDataDirs, jwtSecret, jwtExpiresInSeconds, adminEmail, adminPassword,
    demoData, evidenceMaxBytes, corsOrigins, traceRetentionDays, logLevel, logFormat, metricsToken,
    historyRetentionDays, notificationRetentionDays, statsRetentionDays, socketAdapter,
    outboxDispatcher, scheduler, clientDir, publicUrl, trustProxy, loginMaxFailuresPerAddress, loginMaxFailuresPerAccount,
    scryptLog2N, webhooks, email, oidc, webConcurrency, rulePauseAfterFailures, outboxMaxAttempts, outboxRetryBaseMs, outboxWorkers, outboxPollMs, engineProcess,
    clusterWorker: env.INTERNAL_CLUSTER_WORKER === undefined ? null : Number(env.INTERNAL_CLUSTER_WORKER),
    clusterRole: env.INTERNAL_CLUSTER_WORKER === undefined ? null : engineRole ? 'engine' : 'web',
    deliveryWorkers: outboxDispatcher || (env.INTERNAL_CLUSTER_WORKER !== undefined && !engineRole),
  };
}

export const APP_CONFIG = Symbol('APP_CONFIG');
