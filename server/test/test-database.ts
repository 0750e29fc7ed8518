import { Client } from 'pg';

/** Set by global-setup: the embedded cluster's admin URL and the migrated template's name. */
export const TEMPLATE_DB = 'acos_template';

export function adminUrl(): string {
  const url = process.env.ACOS_TEST_ADMIN_URL;
  if (!url) throw new Error('ACOS_TEST_ADMIN_URL is not set: run the tests through jest (global-setup starts PostgreSQL)');
  return url;
}

export function urlFor(database: string): string {
  const u = new URL(adminUrl());
  u.pathname = `/${database}`;
  return u.toString();
}

export async function withAdminClient<T>(work: (client: Client) => Promise<T>, database = 'postgres'): Promise<T> {
  const client = new Client({ connectionString: urlFor(database) });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** A fresh database cloned from the migrated template: migrations ran once per test run. */
export async function createTestDatabase(name: string): Promise<string> {
  for (let attempt = 0; ; attempt++) {
    try {
      await withAdminClient((c) => c.query(`CREATE DATABASE ${name} TEMPLATE ${TEMPLATE_DB} STRATEGY FILE_COPY`));
      return urlFor(name);
    } catch (error) {
      // Two workers cloning at the same instant: the template is briefly "in use".
      if (attempt < 20 && /being accessed by other users/.test((error as Error).message)) {
        await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
        continue;
      }
      throw error;
    }
  }
}

export async function dropTestDatabase(name: string): Promise<void> {
  await withAdminClient((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).catch(() => undefined);
}
