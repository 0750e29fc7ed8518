import type { DataSource, EntityManager } from 'typeorm';

const LOCK_POLL_MS = 100;

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
    const tryLock = async () => ((await runner.query('SELECT pg_try_advisory_lock($1) AS locked', [key])) as Array<{ locked: boolean }>)[0].locked;
    // Waiting is polling, not one blocking pg_advisory_lock: that statement would run into the pool's query timeout
    // while another process holds the lock for longer (seeding demo data takes seconds on a busy machine).
    let locked = await tryLock();
    while (!locked && wait) {
      await new Promise((resolve) => setTimeout(resolve, LOCK_POLL_MS));
      locked = await tryLock();
    }
    if (!locked) return undefined;
    try {
      return await work(runner.manager);
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [key]).catch(() => undefined);
    }
  } finally {
    await runner.release();
  }
}
