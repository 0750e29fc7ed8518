/** PostgreSQL's SQLSTATE for a unique (or primary key / exclusion) violation. */
const UNIQUE_VIOLATION = '23505';

/**
 * Whether `error` is PostgreSQL refusing a duplicate, optionally only for constraints whose name starts with
 * `constraint` (a full name or a prefix such as `workflow_history_`). Works on TypeORM's QueryFailedError
 * (fields on `driverError`) and on a plain `pg` error alike.
 */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  const e = error as { driverError?: { code?: string; constraint?: string }; code?: string; constraint?: string } | null | undefined;
  if (!e) return false;
  if ((e.driverError?.code ?? e.code) !== UNIQUE_VIOLATION) return false;
  return constraint === undefined || (e.driverError?.constraint ?? e.constraint ?? '').startsWith(constraint);
}
