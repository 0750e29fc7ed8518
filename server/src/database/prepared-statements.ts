import { createHash } from 'node:crypto';
import pg from 'pg';

/**
 * Server-side prepared statements for the app's repeated queries, without touching each call site.
 *
 * TypeORM sends every query unnamed, so PostgreSQL parses, analyses and plans it again on every call:
 * for the engine's and the PATCH path's short statements that is much of the database's CPU. A
 * parameterised statement whose text has been seen REPEATS_BEFORE_PREPARING times is sent as a named
 * statement instead; `pg` then parses it once per connection and afterwards only binds and executes.
 *
 * Bounded on purpose: a text is only tracked while fewer than MAX_TRACKED texts are, and at most
 * MAX_PREPARED_STATEMENTS distinct statements are ever named, so queries whose text varies (dynamic filters)
 * cannot grow the backends' statement caches without limit. Statements without parameters (BEGIN,
 * SAVEPOINT, DDL in migrations) are never prepared.
 */
const REPEATS_BEFORE_PREPARING = 3;
const MAX_TRACKED = 5_000;
/** Each backend keeps a plan per prepared statement: bounded so the pools' backends stay small. */
export const MAX_PREPARED_STATEMENTS = 200;

const seen = new Map<string, number>();
const names = new Map<string, string>();

function statementName(text: string): string | undefined {
  const name = names.get(text);
  if (name) return name;
  if (names.size >= MAX_PREPARED_STATEMENTS) return undefined;
  const count = (seen.get(text) ?? 0) + 1;
  if (count < REPEATS_BEFORE_PREPARING) {
    if (seen.has(text) || seen.size < MAX_TRACKED) seen.set(text, count);
    return undefined;
  }
  seen.delete(text);
  const created = `acos_${createHash('sha1').update(text).digest('hex').slice(0, 24)}`;
  names.set(text, created);
  return created;
}

type QueryFn = (this: pg.Client, config: unknown, values?: unknown, callback?: unknown) => unknown;
let installed = false;

/** Idempotent; affects every `pg` client of the process (both TypeORM pools and the socket adapter's). */
export function enablePreparedStatements(): void {
  if (installed) return;
  installed = true;
  const prototype = pg.Client.prototype as unknown as { query: QueryFn };
  const plainQuery = prototype.query;
  prototype.query = function (this: pg.Client, config: unknown, values?: unknown, callback?: unknown) {
    if (typeof config === 'string' && Array.isArray(values) && values.length > 0) {
      const name = statementName(config);
      if (name) return plainQuery.call(this, { name, text: config, values }, callback);
    }
    return plainQuery.call(this, config, values, callback);
  };
}

/** For tests and /metrics: how many distinct statements are prepared. */
export function preparedStatementCount(): number {
  return names.size;
}
