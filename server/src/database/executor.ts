import type { EntityManager } from 'typeorm';
import { UnitOfWork } from './unit-of-work';

/**
 * Where a repository runs a statement: the caller's unit of work (its transaction), or a pool's manager
 * (e.g. the background pool's, so scheduler reads never wait behind HTTP requests for a connection).
 */
export type Executor = UnitOfWork | EntityManager;

export function managerOf(executor: Executor | undefined, fallback: EntityManager): EntityManager {
  if (!executor) return fallback;
  return executor instanceof UnitOfWork ? executor.manager : executor;
}

/** A statement fragment whose parameters start at an agreed number, for a caller to embed in its own statement. */
export interface SqlFragment {
  sql: string;
  params: unknown[];
}
