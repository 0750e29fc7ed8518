import { Logger, ValidationPipe, type LogLevel } from '@nestjs/common';
import type { Server } from 'node:http';
import type { Logger as PinoLogger } from 'pino';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import express from 'express';
import helmet from 'helmet';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { AppModule } from './app.module';
import { rememberClientAddress } from './audit/request-context';
import { OWASP_SCRYPT_PARAMS, setHashParams } from './auth/password-hasher';
import { AllExceptionsFilter } from './common/all-exceptions.filter';
import { JsonBodyLimitsMiddleware } from './common/json-body-limits.middleware';
import { completeDocument } from './openapi/complete-document';
import { RequestIdMiddleware } from './common/request-id.middleware';
import { accessLog } from './common/logging/access-log';
import { createLogger, levelOf, PinoNestLogger, type AppLogLevel } from './common/logging/logger';
import { Lifecycle } from './common/lifecycle';
import { MetricsService } from './metrics/metrics.service';
import { loadConfig, logFormatOf, type AppConfig } from './config/app-config';
import { systemDataDir } from './config/data-dir';
import { startEmbeddedPostgres, type RunningPostgres } from './database/embedded-postgres';
import { runMigrations } from './database/migrate';
import { PostgresIoAdapter } from './realtime/postgres-io.adapter';
import { serveHandedConnections } from './cluster/handed-connections';
import { Pool } from 'pg';

export interface StartedServer {
  app: NestExpressApplication;
  config: AppConfig;
  databaseUrl: string;
  /** The base URL it listens on, e.g. http://127.0.0.1:3000 */
  url: string;
  close(): Promise<void>;
}

export interface StartOptions {
  env?: Record<string, string | undefined>;
  /** Start listening (tests may only need the Nest app). Default true. */
  listen?: boolean;
  /** Overrides LOG_LEVEL (tests: `['error']`; false: silent). */
  logger?: LogLevel[] | false;
  /** Where log lines go (default: stdout). */
  logDestination?: NodeJS.WritableStream;
  /**
   * A stop requested while starting (SIGTERM during migrations): whatever was started so far — the
   * embedded PostgreSQL above all — is stopped again and the start rejects with StartAborted.
   */
  signal?: AbortSignal;
  /** Called just before the embedded PostgreSQL is started: from then on, a stop must wait for its clean-up. */
  onEmbeddedStart?: () => void;
  /**
   * This process is worker N of a WEB_CONCURRENCY supervisor: it listens on no port but serves the connections
   * the supervisor hands over, and names its Socket.IO sessions so that their requests come back here.
   */
  clusterWorker?: number;
}

export class StartAborted extends Error {
  constructor() {
    super('start-up aborted by a stop request');
  }
}

/** How long a stop waits for requests in flight before it closes their connections. */
const DRAIN_MS = 3000;

/** The process logger (JSON or pretty, set up before anything logs) and the validated configuration. */
export function loggerAndConfig(options: StartOptions): { pinoLogger: PinoLogger; config: AppConfig } {
  const env = options.env ?? process.env;
  // The logger comes first, so that even the configuration's own notes are JSON when they should be.
  const pinoLogger = createLogger({
    format: logFormatOf(env) === 'pretty' ? 'pretty' : 'json',
    level: options.logger !== undefined ? levelOf(options.logger) : safeLevel(env.LOG_LEVEL),
    destination: options.logDestination,
  });
  Logger.overrideLogger(new PinoNestLogger(pinoLogger));
  const config = loadConfig(env);
  setHashParams({ ...OWASP_SCRYPT_PARAMS, N: 2 ** config.scryptLog2N });
  return { pinoLogger, config };
}

/**
 * The database the app runs on, migrated: DATABASE_URL's, or the embedded PostgreSQL started here (`embedded`
 * is then the caller's to stop). A stop requested meanwhile stops what was started and rejects with StartAborted.
 */
export async function prepareDatabase(config: AppConfig, options: StartOptions): Promise<{ databaseUrl: string; embedded?: RunningPostgres }> {
  const logger = new Logger('Bootstrap');
  const abortIfStopping = () => { if (options.signal?.aborted) throw new StartAborted(); };
  let embedded: RunningPostgres | undefined;
  try {
    abortIfStopping();
    let databaseUrl = config.databaseUrl;
    if (!databaseUrl) {
      options.onEmbeddedStart?.();
      embedded = await startEmbeddedPostgres({
        dataDir: join(config.dataDir, 'pg'),
        formerClusterDirs: config.formerDataDirs.map((dir) => join(dir, 'pg')),
        binariesRoot: join(systemDataDir(options.env ?? process.env), 'pgbin'),
        log: (m) => logger.log(`[embedded-postgres] ${m}`),
        signal: options.signal,
      }).catch((error: unknown) => {
        throw options.signal?.aborted ? new StartAborted() : error;
      });
      databaseUrl = embedded.url;
      abortIfStopping();
    }
    // Each migration is one transaction: abandoning one when a stop arrives rolls it back with PostgreSQL's stop.
    const applied = await abortable(runMigrations(databaseUrl), options.signal);
    if (applied.length) logger.log(`applied migrations: ${applied.join(', ')}`);
    abortIfStopping();
    return { databaseUrl, embedded };
  } catch (error) {
    await embedded?.stop();
    throw error;
  }
}

/** Database, migrations, Nest app, HTTP: the one way the server starts (main.ts, tests, bench). */
export async function startServer(options: StartOptions = {}): Promise<StartedServer> {
  const { pinoLogger, config } = loggerAndConfig(options);
  const logger = new Logger('Bootstrap');
  const abortIfStopping = () => { if (options.signal?.aborted) throw new StartAborted(); };
  let embedded: RunningPostgres | undefined;
  let app: NestExpressApplication | undefined;
  let socketPool: Pool | undefined;
  let stopTakingConnections: (() => void) | undefined;
  const worker = options.clusterWorker;
  const listens = worker === undefined && options.listen !== false;
  try {
    const database = await prepareDatabase(config, options);
    embedded = database.embedded;
    const databaseUrl = database.databaseUrl;
    app = await abortable(NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, databaseUrl), {
      logger: new PinoNestLogger(pinoLogger),
      bodyParser: false,
    }), options.signal);
    const lifecycle = app.get(Lifecycle);
    configureApp(app, config, pinoLogger);
    if (config.socketAdapter === 'postgres') {
      socketPool = new Pool({ connectionString: databaseUrl, max: 4 });
      socketPool.on('error', (e) => logger.warn(`socket adapter pool: ${e.message}`));
      // The adapter holds one LISTEN connection; when the database drops it the adapter reconnects on "end",
      // but an unhandled "error" on that client would take the whole process down first.
      socketPool.on('connect', (client) => client.on('error', (e) => logger.warn(`socket adapter connection: ${e.message}`)));
      app.useWebSocketAdapter(new PostgresIoAdapter(app, socketPool, worker));
    }
    if (listens) await abortable(app.listen(config.port, config.host), options.signal);
    else await abortable(app.init(), options.signal);
    if (worker !== undefined) stopTakingConnections = serveHandedConnections(app.getHttpServer() as Server);
    abortIfStopping();
    const address = listens ? app.getHttpServer().address() : null;
    const port = typeof address === 'object' && address ? address.port : config.port;
    const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
    const started = app;
    let closing: Promise<void> | undefined;
    return {
      app: started, config, databaseUrl, url,
      close: () => (closing ??= (async () => {
        // Readiness turns 503 and new requests are refused first; the ones in flight get DRAIN_MS to finish.
        lifecycle.beginShutdown();
        stopTakingConnections?.();
        if (listens || worker !== undefined) await drainHttp(started.getHttpServer() as Server, lifecycle, DRAIN_MS);
        // Then sockets, the outbox and scheduler batches in hand (their shutdown hooks), the pools, PostgreSQL.
        await started.close();
        await socketPool?.end().catch(() => undefined);
        await embedded?.stop();
      })()),
    };
  } catch (error) {
    stopTakingConnections?.();
    // A stop during start-up ends the process: closing a half-built app would only delay stopping PostgreSQL.
    if (!(error instanceof StartAborted)) await app?.close().catch(() => undefined);
    await socketPool?.end().catch(() => undefined);
    await embedded?.stop();
    throw error;
  }
}

/**
 * `work`'s outcome, or StartAborted as soon as a stop is requested. Building the Nest app takes seconds of CPU on
 * a busy machine; a process told to stop meanwhile stops its database and exits instead of waiting for it.
 */
function abortable<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work;
  if (signal.aborted) return Promise.reject(new StartAborted());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new StartAborted());
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => { signal.removeEventListener('abort', onAbort); resolve(value); },
      (error: unknown) => { signal.removeEventListener('abort', onAbort); reject(error); },
    );
  });
}

function safeLevel(raw: string | undefined): AppLogLevel {
  const level = raw?.trim() || 'info';
  // An invalid LOG_LEVEL is reported by loadConfig; until then, log at info.
  return (['debug', 'info', 'warn', 'error'] as const).find((l) => l === level) ?? 'info';
}

/** Stops accepting connections, lets requests in flight finish (up to `ms`), then closes what is left. */
async function drainHttp(server: Server, lifecycle: Lifecycle, ms: number): Promise<void> {
  server.close();
  server.closeIdleConnections();
  const deadline = Date.now() + ms;
  while (lifecycle.inFlight > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  server.closeAllConnections();
}

export function configureApp(app: NestExpressApplication, config: AppConfig, logger: PinoLogger): void {
  // First, so that every response — a 413 or 415 included — carries its X-Request-Id and has its access line.
  app.use(new RequestIdMiddleware().use);
  const metrics = app.get(MetricsService);
  app.use(accessLog(logger, (method, route, status, seconds) => metrics.observeHttp(method, route, status, seconds)));
  app.use(app.get(Lifecycle).middleware);
  app.use(rememberClientAddress);
  app.setGlobalPrefix('api/v1', { exclude: ['metrics'] });
  app.useGlobalPipes(new ValidationPipe({
    whitelist: true, forbidNonWhitelisted: true, transform: true,
    // Validation messages name the field; nested DTOs report their path.
    validationError: { target: false, value: false },
  }));
  app.useGlobalFilters(new AllExceptionsFilter());
  app.use(helmet({
    contentSecurityPolicy: {
      directives: {
        'default-src': ["'self'"],
        'script-src': ["'self'"],
        'style-src': ["'self'", "'unsafe-inline'"],
        'font-src': ["'self'", 'data:'],
        'img-src': ["'self'", 'data:'],
        // The console talks to its own origin only (Socket.IO included: browsers count same-host ws/wss as 'self').
        'connect-src': ["'self'"],
      },
    },
    crossOriginEmbedderPolicy: false,
  }));
  app.enableCors({ origin: config.corsOrigins.length ? config.corsOrigins : false, credentials: false });
  app.use(requireJsonBodies);
  app.use(express.json({ limit: '1mb' }));
  app.use(new JsonBodyLimitsMiddleware().use);
  app.use(express.urlencoded({ extended: false, limit: '100kb' }));
  // Whose X-Forwarded-For names the client (login throttling, audit log): TRUST_PROXY, default loopback.
  app.set('trust proxy', config.trustProxy);
  app.disable('x-powered-by');

  const openApi = new DocumentBuilder()
    .setTitle('AuditCaseOS Workflows API')
    .setDescription('Cases, evidence, workflow rules and notifications.')
    .setVersion('1')
    .addBearerAuth()
    .build();
  // Nest derives requests from the DTO decorators; completeDocument adds responses, errors, typed rule configs and socket events.
  SwaggerModule.setup('api/docs', app, () => completeDocument(SwaggerModule.createDocument(app, openApi)), { useGlobalPrefix: false });

  serveConsole(app, config.clientDir);
}

/** A body the API cannot read is refused as 415, not misread as an empty object. */
function requireJsonBodies(req: express.Request, res: express.Response, next: express.NextFunction): void {
  const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
  if (!hasBody || !['POST', 'PUT', 'PATCH'].includes(req.method) || !req.path.startsWith('/api/')) return next();
  if (req.is('application/json') || req.is('multipart/form-data')) return next();
  res.status(415).json({ statusCode: 415, error: 'Unsupported Media Type', message: 'send application/json (or multipart/form-data for evidence uploads)' });
}

/** The built Angular console at `/`, with deep links falling back to index.html. */
function serveConsole(app: NestExpressApplication, dir: string): void {
  if (!existsSync(join(dir, 'index.html'))) {
    new Logger('Bootstrap').warn(`no console build in ${dir}; run "npm run build:client" (npm start does it)`);
    return;
  }
  app.use(express.static(dir, { index: false, maxAge: '1h' }));
  app.use((req: express.Request, res: express.Response, next: express.NextFunction) => {
    if (req.method !== 'GET' || /^\/(api|socket\.io|metrics)(\/|$)/.test(req.path) || !req.accepts('html')) return next();
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(join(dir, 'index.html'));
  });
}
