import { Injectable, Logger } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

/**
 * One database transaction plus the work that must wait for its commit
 * (in-process publishing, socket pushes). Services take an optional
 * UnitOfWork so a caller can make several changes atomic.
 */
export class UnitOfWork {
  private readonly afterCommitCallbacks: Array<() => void | Promise<void>> = [];
  /**
   * True in a unit of TransactionRunner.runOptimistically: code inside may skip the savepoints that
   * would only serve to survive its own failure, and turns any failure it would otherwise isolate into
   * UnitMustBeRedone.
   */
  optimistic = false;
  /**
   * Lookups cached for the unit's lifetime (shared with its savepoints), e.g. the users an engine batch
   * notifies again and again. Only for data the unit treats as fixed while it runs.
   */
  readonly memo: Map<string, Map<string, unknown>>;
  constructor(readonly manager: EntityManager, memo?: Map<string, Map<string, unknown>>) {
    this.memo = memo ?? new Map();
  }

  /** The unit's cache named `name`. */
  cache<T>(name: string): Map<string, T> {
    let cache = this.memo.get(name);
    if (!cache) this.memo.set(name, (cache = new Map()));
    return cache as Map<string, T>;
  }

  afterCommit(callback: () => void | Promise<void>): void {
    this.afterCommitCallbacks.push(callback);
  }

  /**
   * Items to write together at the very end of the unit, inside its transaction: everything staged under
   * `name` in the unit (and its savepoints that succeeded) goes to one `flush` call just before the commit.
   * For counters many changes of one unit add to (e.g. the per-hour run statistics of an engine batch):
   * one statement per unit instead of one per change, and the counter rows stay locked only until the commit.
   */
  stageBeforeCommit<T>(name: string, items: T[], flush: (uow: UnitOfWork, items: T[]) => Promise<void>): void {
    const staged = this.staged.get(name);
    if (staged) staged.items.push(...items);
    else this.staged.set(name, { items: [...items], flush: flush as StagedWork['flush'] });
  }

  /**
   * Writes that may wait for the end of the unit when it is optimistic: staged then (see stageBeforeCommit), and
   * written now in a careful unit. Staging is only safe where a failure may be blamed on the whole unit: an
   * optimistic unit whose staged writes fail is redone carefully, and there each write happens at once, so a
   * failure is attributed to the item that caused it.
   */
  async writeAtCommitIfOptimistic<T>(name: string, items: T[], write: (uow: UnitOfWork, items: T[]) => Promise<void>): Promise<void> {
    if (this.optimistic) this.stageBeforeCommit(name, items, write);
    else await write(this, items);
  }

  /** Whether items are staged under `name`. */
  hasStaged(name: string): boolean {
    return this.stagedItems(name).length > 0;
  }

  /** What is staged under `name`, in order. */
  stagedItems<T>(name: string): readonly T[] {
    return (this.staged.get(name)?.items ?? []) as T[];
  }

  /** Writes what is staged under `name` now, e.g. before reading rows that must include it. */
  async flushStagedNow(name: string): Promise<void> {
    const work = this.staged.get(name);
    if (!work) return;
    this.staged.delete(name);
    if (work.items.length) await work.flush(this, work.items);
  }

  private readonly staged = new Map<string, StagedWork>();

  /**
   * @internal called by TransactionRunner after the unit's work, before the commit. A flush may stage more
   * (history rows stage their run counters), so this goes on until nothing is staged.
   */
  async flushStaged(): Promise<void> {
    for (let name = this.staged.keys().next(); !name.done; name = this.staged.keys().next()) {
      await this.flushStagedNow(name.value);
    }
  }

  /** @internal a savepoint that succeeded passes its pending work to the enclosing unit. */
  handOverTo(parent: UnitOfWork): void {
    for (const callback of this.afterCommitCallbacks.splice(0)) parent.afterCommit(callback);
    for (const [name, work] of this.staged) parent.stageBeforeCommit(name, work.items, work.flush);
    this.staged.clear();
  }

  /** @internal called by TransactionRunner once the commit succeeded. */
  async flush(logger: Logger): Promise<void> {
    for (const callback of this.afterCommitCallbacks.splice(0)) {
      try {
        await callback();
      } catch (error) {
        // The change is committed; a failing side effect must not turn it into an error.
        logger.error(`after-commit callback failed: ${(error as Error).message}`, (error as Error).stack);
      }
    }
  }
}

interface StagedWork { items: unknown[]; flush: (uow: UnitOfWork, items: unknown[]) => Promise<void> }

/** Something failed in an optimistic unit that only a careful unit can isolate: redo the unit carefully. */
export class UnitMustBeRedone extends Error {
  constructor(cause: unknown) {
    super(`redo carefully: ${(cause as Error)?.message ?? String(cause)}`, { cause });
  }
}

@Injectable()
export class TransactionRunner {
  private readonly logger = new Logger(TransactionRunner.name);
  constructor(readonly dataSource: DataSource) {}

  /** Runs `work` inside `existing` when given, else in a new transaction. */
  async run<T>(work: (uow: UnitOfWork) => Promise<T>, existing?: UnitOfWork): Promise<T> {
    if (existing) return work(existing);
    return this.runNew(work, false);
  }

  /** Runs `work` in a new READ ONLY transaction: the database itself refuses any write it attempts. */
  async runReadOnly<T>(work: (uow: UnitOfWork) => Promise<T>): Promise<T> {
    return this.runNew(async (uow) => {
      await uow.manager.query('SET TRANSACTION READ ONLY');
      return work(uow);
    }, false);
  }

  /** Runs `work` on one dedicated connection outside any transaction (session-level advisory locks live there). */
  async withSession<T>(work: (session: EntityManager) => Promise<T>): Promise<T> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      return await work(runner.manager);
    } finally {
      await runner.release();
    }
  }

  /**
   * Runs `work` in a new, optimistic unit: code inside skips the savepoints that only serve to survive
   * its own failure. When `work` throws UnitMustBeRedone, that attempt is rolled back as a whole and
   * `work` runs once more in an ordinary (careful) unit, where each failure can be isolated and recorded.
   */
  async runOptimistically<T>(work: (uow: UnitOfWork) => Promise<T>): Promise<T> {
    try {
      return await this.runNew(work, true);
    } catch (error) {
      if (!(error instanceof UnitMustBeRedone)) throw error;
      return this.runNew(work, false);
    }
  }

  private async runNew<T>(work: (uow: UnitOfWork) => Promise<T>, optimistic: boolean): Promise<T> {
    let uow!: UnitOfWork;
    const result = await this.dataSource.transaction(async (manager) => {
      uow = new UnitOfWork(manager);
      uow.optimistic = optimistic;
      const result = await work(uow);
      try {
        await uow.flushStaged();
      } catch (error) {
        // Staged writes of many items failed together: only a careful unit can tell which one is to blame.
        if (optimistic && !(error instanceof UnitMustBeRedone)) throw new UnitMustBeRedone(error);
        throw error;
      }
      return result;
    });
    await uow.flush(this.logger);
    return result;
  }
}

/** Transactions on the background pool (outbox dispatcher, scheduler). */
export class BackgroundTransactionRunner extends TransactionRunner {}

let savepointCounter = 0;

/**
 * Runs `work` inside a savepoint of `parent`'s transaction: on failure only
 * its changes are undone and its after-commit work is dropped; the caller
 * decides what the failure means.
 */
export async function inSavepoint<T>(parent: UnitOfWork, work: (uow: UnitOfWork) => Promise<T>): Promise<T> {
  const name = `sp_${++savepointCounter}`;
  const child = new UnitOfWork(parent.manager, parent.memo);
  await parent.manager.query(`SAVEPOINT ${name}`);
  try {
    const result = await work(child);
    await parent.manager.query(`RELEASE SAVEPOINT ${name}`);
    child.handOverTo(parent);
    return result;
  } catch (error) {
    await parent.manager.query(`ROLLBACK TO SAVEPOINT ${name}`);
    throw error;
  }
}
