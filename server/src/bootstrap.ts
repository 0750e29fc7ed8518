import { Logger, ValidationPipe, type LogLevel } from '@nestjs/common';
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
import { RequestIdMiddleware } from './common/request-id.middleware';
import { loadConfig, type AppConfig } from './config/app-config';
import { systemDataDir } from './config/data-dir';
import { startEmbeddedPostgres, type RunningPostgres } from './database/embedded-postgres';
import { runMigrations } from './database/migrate';
import { PostgresIoAdapter } from './realtime/postgres-io.adapter';
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
  logger?: LogLevel[] | false;
}

const LOG_LEVELS: Record<AppConfig['logLevel'], LogLevel[]> = {
  debug: ['error', 'warn', 'log', 'debug'],
  info: ['error', 'warn', 'log'],
  warn: ['error', 'warn'],
  error: ['error'],
};

/** Database, migrations, Nest app, HTTP: the one way the server starts (main.ts, tests, bench). */
export async function startServer(options: StartOptions = {}): Promise<StartedServer> {
  const env = options.env ?? process.env;
  const config = loadConfig(env);
  setHashParams({ ...OWASP_SCRYPT_PARAMS, N: 2 ** config.scryptLog2N });
  const logger = new Logger('Bootstrap');
  let embedded: RunningPostgres | undefined;
  let databaseUrl = config.databaseUrl;
  if (!databaseUrl) {
    embedded = await startEmbeddedPostgres({
      dataDir: join(config.dataDir, 'pg'),
      formerClusterDirs: config.formerDataDirs.map((dir) => join(dir, 'pg')),
      binariesRoot: join(systemDataDir(env), 'pgbin'),
      log: (m) => logger.log(`[embedded-postgres] ${m}`),
    });
    databaseUrl = embedded.url;
  }
  try {
    const applied = await runMigrations(databaseUrl);
    if (applied.length) logger.log(`applied migrations: ${applied.join(', ')}`);
    const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, databaseUrl), {
      logger: options.logger ?? LOG_LEVELS[config.logLevel],
      bodyParser: false,
    });
    configureApp(app, config);
    let socketPool: Pool | undefined;
    if (config.socketAdapter === 'postgres') {
      socketPool = new Pool({ connectionString: databaseUrl, max: 4 });
      socketPool.on('error', (e) => logger.warn(`socket adapter pool: ${e.message}`));
      // The adapter holds one LISTEN connection; when the database drops it the adapter reconnects on "end",
      // but an unhandled "error" on that client would take the whole process down first.
      socketPool.on('connect', (client) => client.on('error', (e) => logger.warn(`socket adapter connection: ${e.message}`)));
      app.useWebSocketAdapter(new PostgresIoAdapter(app, socketPool));
    }
    if (options.listen !== false) await app.listen(config.port, config.host);
    else await app.init();
    const address = options.listen !== false ? app.getHttpServer().address() : null;
    const port = typeof address === 'object' && address ? address.port : config.port;
    const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
    let closed = false;
    return {
      app, config, databaseUrl, url,
      close: async () => {
        if (closed) return;
        closed = true;
        await app.close();
        await socketPool?.end().catch(() => undefined);
        await embedded?.stop();
      },
    };
  } catch (error) {
    await embedded?.stop();
    throw error;
  }
}

export function configureApp(app: NestExpressApplication, config: AppConfig): void {
  // First, so that every response — a 413 or 415 included — carries its X-Request-Id.
  app.use(new RequestIdMiddleware().use);
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
    .setDescription('Cases, evidence, workflow rules and notifications. See CONTRACT.md for the semantics.')
    .setVersion('1')
    .addBearerAuth()
    .build();
  SwaggerModule.setup('api/docs', app, () => SwaggerModule.createDocument(app, openApi), { useGlobalPrefix: false });

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
