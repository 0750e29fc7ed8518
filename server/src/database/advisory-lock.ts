import type { DataSource, EntityManager } from 'typeorm';

/**
 * Runs `work` while this process holds the session-level advisory lock `key` on a connection of its own,
 * so that one process at a time does it. `wait: false` gives up (returns undefined) when another holds it.
 * `work` gets that connection's manager: statements run there stay on the locked session.
 */
export async function withAdvisoryLock<T>(
  dataSource: DataSource, key: number, wait: boolean, work: (manager: EntityManager) => Promise<T>,
): Promise<T | undefined> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    if (wait) await runner.query('SELECT pg_advisory_lock($1)', [key]);
    else {
      const [{ locked }] = await runner.query('SELECT pg_try_advisory_lock($1) AS locked', [key]);
      if (!locked) return undefined;
    }
    try {
      return await work(runner.manager);
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [key]).catch(() => undefined);
    }
  } finally {
    await runner.release();
  }
}
