import type { DataSourceOptions } from 'typeorm';
import { MIGRATIONS } from '../../../migrations';
import { ENTITIES } from './entities';
import { SafeQueryLogger } from './query-logger';

/**
 * No single query of the app runs for long (scans and pruning work in batches), so a query that
 * takes this long means the database is stuck: fail it (503) rather than hang the request.
 */
const QUERY_TIMEOUT_MS = 20_000;

export function dataSourceOptions(url: string, poolSize = 20, queryTimeoutMs: number | undefined = QUERY_TIMEOUT_MS): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'typeorm_migrations',
    synchronize: false,
    logging: ['error', 'warn'],
    logger: new SafeQueryLogger(),
    extra: { max: poolSize, connectionTimeoutMillis: 5000, idleTimeoutMillis: 30000, query_timeout: queryTimeoutMs },
  };
}
