import type { LogLevel } from '@nestjs/common';
import { randomBytes, randomUUID } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { DataSource } from 'typeorm';
import { TokenService } from '../src/auth/token.service';
import { startServer, type StartedServer } from '../src/bootstrap';
import type { AuthUser } from '../src/common/auth-user';
import type { CaseType, Role, Severity } from '../src/common/enums';
import type { CaseView } from '../src/cases/dto/case.dto';
import { CasesService } from '../src/cases/cases.service';
import { UsersService } from '../src/users/users.service';
import { createTestDatabase, dropTestDatabase } from './test-database';

export interface TestUser extends AuthUser {
  token: string;
  password: string;
}

export interface TestApp {
  server: StartedServer;
  url: string;
  databaseUrl: string;
  dataDir: string;
  http(): TestAgent;
  /** SQL straight against the app's database, for assertions and fixtures. */
  sql<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  makeUser(overrides?: Partial<{ role: Role; scopeCodes: string[]; name: string; email: string; isActive: boolean }>): Promise<TestUser>;
  makeCase(owner: TestUser, overrides?: Partial<{ title: string; caseType: CaseType; scopeCode: string; severity: Severity; assigneeId: string; tags: string[]; dueDate: string; description: string }>): Promise<CaseView>;
  get<T>(token: { new (...args: never[]): T } | string | symbol): T;
  close(): Promise<void>;
}

export interface TestAppOptions {
  env?: Record<string, string>;
  /** Reuse an existing database (a second process on the same data). */
  databaseUrl?: string;
  /** Where the app's log lines go (default: stdout at level error). */
  logDestination?: NodeJS.WritableStream;
  logger?: LogLevel[] | false;
}

const JWT_SECRET = 'test-secret-' + 'x'.repeat(40);

/** Boots the real app on its own cloned database, listening on a free port. */
export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const dbName = `t_${randomUUID().replace(/-/g, '').slice(0, 20)}`;
  const ownsDatabase = !options.databaseUrl;
  const databaseUrl = options.databaseUrl ?? (await createTestDatabase(dbName));
  const dataDir = mkdtempSync('/var/tmp/acos-app-');
  chmodSync(dataDir, 0o755);
  const server = await startServer({
    env: {
      DATABASE_URL: databaseUrl, DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', JWT_SECRET,
      DEMO_DATA: 'false', LOG_LEVEL: 'error', CLIENT_DIR: '/nonexistent',
      // scrypt at 2^12 instead of OWASP's 2^17: every fixture user hashes a password.
      INTERNAL_TEST_SCRYPT_LOG2N: '12', ...options.env,
    },
    logger: options.logger ?? ['error'],
    logDestination: options.logDestination,
  });
  const dataSource = server.app.get(DataSource);
  let counter = 0;

  const app: TestApp = {
    server,
    url: server.url,
    databaseUrl,
    dataDir,
    http: () => request(server.url),
    sql: (text, params) => dataSource.query(text, params as unknown[]),
    get: (token) => server.app.get(token as never),
    async makeUser(overrides = {}) {
      const n = ++counter;
      const password = 'pw-' + randomBytes(6).toString('hex');
      const role = overrides.role ?? 'INVESTIGATOR';
      const view = await server.app.get(UsersService).create({
        email: overrides.email ?? `${role.toLowerCase()}${n}-${randomBytes(3).toString('hex')}@test.local`,
        name: overrides.name ?? `${role[0]}${role.slice(1).toLowerCase()} ${n}`,
        role, password, scopeCodes: overrides.scopeCodes ?? [],
      });
      if (overrides.isActive === false) await server.app.get(UsersService).update(view.id, { isActive: false });
      const token = server.app.get(TokenService).issue(view.id, 0);
      return { id: view.id, email: view.email, name: view.name, role: view.role, scopeCodes: view.scopeCodes, token, password };
    },
    async makeCase(owner, overrides = {}) {
      return server.app.get(CasesService).create(owner, {
        title: overrides.title ?? `Case ${++counter}`,
        caseType: overrides.caseType ?? 'AUDIT',
        scopeCode: overrides.scopeCode ?? 'FIN',
        severity: overrides.severity,
        assigneeId: overrides.assigneeId,
        tags: overrides.tags,
        dueDate: overrides.dueDate,
        description: overrides.description,
      });
    },
    async close() {
      await server.close();
      if (ownsDatabase) await dropTestDatabase(dbName);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return app;
}

export function bearer(user: { token: string }): [string, string] {
  return ['Authorization', `Bearer ${user.token}`];
}

/** Polls `check` until it returns a truthy value (events are processed asynchronously). */
export async function eventually<T>(check: () => Promise<T | undefined | null | false>, timeoutMs = 10_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
}

/** Every table of the app's database, each as a digest of all its rows: equal digests, equal database (read-only checks). */
export async function databaseDigest(t: TestApp): Promise<Record<string, string>> {
  const tables = await t.sql<{ name: string }>(
    `SELECT quote_ident(table_name) AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1`,
  );
  const digest: Record<string, string> = {};
  for (const { name } of tables) {
    const [row] = await t.sql<{ d: string }>(`SELECT md5(coalesce(string_agg(x::text, ',' ORDER BY x::text), '')) AS d FROM ${name} x`);
    digest[name] = row.d;
  }
  return digest;
}
