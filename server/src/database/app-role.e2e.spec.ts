import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { DataSource } from 'typeorm';
import { startServer, type StartedServer } from '../bootstrap';

const ADMIN = { email: 'owner@test.local', password: 'embedded role passphrase' };

/**
 * The server on its embedded PostgreSQL, as deployed without DATABASE_URL: it runs its migrations and serves as a
 * role that owns the app database and is not a superuser, first start and restart alike.
 */
describe('the app on the embedded database connects as its own non-superuser role', () => {
  let dataDir: string;
  let server: StartedServer | undefined;

  const start = () => startServer({
    env: {
      DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', DEMO_DATA: 'false', CLIENT_DIR: '/nonexistent', LOG_LEVEL: 'error',
      ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password, INTERNAL_TEST_SCRYPT_LOG2N: '12',
    },
    logger: ['error'],
  });
  const sql = <T = Record<string, unknown>>(text: string): Promise<T[]> => server!.app.get(DataSource).query(text);
  const login = async () => {
    const res = await fetch(`${server!.url}/api/v1/auth/login`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ADMIN),
    });
    return res.status;
  };

  beforeAll(() => {
    dataDir = mkdtempSync('/var/tmp/acos-approle-');
    chmodSync(dataDir, 0o755);
  });
  afterAll(async () => {
    await server?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('first start: migrations ran as the role, which owns every table and is no superuser', async () => {
    server = await start();
    expect(server.databaseUrl).toMatch(/^postgres:\/\/auditcaseos:/);
    expect(await sql('SELECT current_user AS me, rolsuper, rolcreaterole, rolcreatedb FROM pg_roles WHERE rolname = current_user'))
      .toEqual([{ me: 'auditcaseos', rolsuper: false, rolcreaterole: false, rolcreatedb: false }]);
    const owners = await sql<{ owner: string }>(`SELECT DISTINCT pg_get_userbyid(relowner) AS owner FROM pg_class
      WHERE relnamespace = 'public'::regnamespace AND relkind IN ('r', 'p', 'S', 'v')`);
    expect(owners).toEqual([{ owner: 'auditcaseos' }]);
    expect(await login()).toBe(200);
    // The audit log stays append-only for its owner: the trigger holds, and the owner cannot switch triggers off.
    await expect(sql(`UPDATE audit_log SET action = 'LOGOUT'`)).rejects.toThrow(/append-only/);
    await expect(sql('DELETE FROM audit_log')).rejects.toThrow(/append-only/);
    await expect(sql('SET session_replication_role = replica')).rejects.toThrow(/permission denied/);
  });

  it('restart on the same DATA_DIR: same role, data kept, nothing to migrate', async () => {
    const before = await sql<{ n: number }>(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'LOGIN_SUCCEEDED'`);
    await server!.close();
    server = undefined;
    server = await start();
    expect(await sql('SELECT current_user AS me, rolsuper FROM pg_roles WHERE rolname = current_user')).toEqual([{ me: 'auditcaseos', rolsuper: false }]);
    expect(await sql<{ n: number }>(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'LOGIN_SUCCEEDED'`)).toEqual(before);
    expect(await login()).toBe(200);
  });
});
