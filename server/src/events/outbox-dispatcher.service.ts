import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { performance } from 'node:perf_hooks';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { BackgroundTransactionRunner, inSavepoint, UnitMustBeRedone, type UnitOfWork } from '../database/unit-of-work';
import { PollingLoop } from '../common/polling-loop';
import { OUTBOX_COMMITTED } from './event-bus.service';
import type { DomainEvent } from './event-map';
import { OutboxRepository, type ClaimedRow, type OutboxRow } from './outbox.repository';
import { BATCH_SIZE, nextClaimLimit } from './claim-size';

/** Durable work done exactly once per event, inside the transaction that marks it processed. */
export interface DurableEventConsumer {
  readonly consumerName: string;
  /**
   * Optional, read-only: whether consume() has anything to do for this event. Events no consumer
   * wants are marked processed without a savepoint of their own — most events trigger no rule.
   */
  wants?(event: DomainEvent, uow: UnitOfWork): Promise<boolean>;
  consume(event: DomainEvent, uow: UnitOfWork): Promise<void>;
  /**
   * Optional, in an optimistic batch only: the events the batch is about to deliver, in order (the same objects
   * wants() and consume() will get), so the consumer can read what they need in a few statements for the whole
   * batch rather than a few per event. It may stop before the last of them (MAX_BATCH_MS).
   */
  prepare?(events: DomainEvent[], uow: UnitOfWork): Promise<void>;
}

/**
 * A batch stops taking new events after this long and commits what it did; the rest of its claim is
 * released by that commit and taken by the next batch. Rule actions lock the cases they change until
 * the batch commits, so this bounds how long a user's PATCH on such a case can wait behind the engine
 * (a batch would otherwise run for seconds when the server is busy).
 */
const MAX_BATCH_MS = 100;
/**
 * After this many failed attempts (default of OUTBOX_MAX_ATTEMPTS) an event is set aside — processed, with
 * its error, an open dead letter — so its case is not blocked forever.
 */
export const MAX_ATTEMPTS = 8;

/** An event just set aside: what its dead letter says. `firstTime`: never set aside before (a retried one may be again). */
export interface SetAside { event: DomainEvent; attempts: number; error: string; firstTime: boolean }

/**
 * Takes committed events out of the outbox and hands them to the durable
 * consumers. Rows are claimed with FOR UPDATE SKIP LOCKED inside the very
 * transaction that processes them, so a crash releases them at once and two
 * processes never take the same row. Only the oldest unprocessed event of a
 * case can be claimed, which keeps each case's events in order.
 */
@Injectable()
export class OutboxDispatcher implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(OutboxDispatcher.name);
  private readonly consumers: DurableEventConsumer[] = [];
  /** OUTBOX_WORKERS concurrent batches; an idle one sleeps until a commit wakes it or OUTBOX_POLL_MS passes. */
  private readonly loop: PollingLoop;
  private loops: Promise<void>[] = [];
  private readonly listeners = new Set<(event: DomainEvent, ok: boolean) => void>();
  private readonly setAsideHooks: Array<(uow: UnitOfWork, setAside: SetAside) => Promise<void>> = [];
  /** How many events the next batch claims (claim-size.ts): fewer while batches stop at their deadline. */
  private claimLimit = BATCH_SIZE;
  /** Counters for /metrics. */
  readonly stats = { processed: 0, failed: 0, lastLagMs: 0, setAside: 0 };

  constructor(
    private readonly tx: BackgroundTransactionRunner,
    private readonly outbox: OutboxRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.loop = new PollingLoop({
      name: 'outbox batch', loops: config.outboxWorkers, pollMs: config.outboxPollMs, logger: this.logger, failureLevel: 'warn', pauseAfterFailureMs: config.outboxPollMs,
      // Events are due as soon as they commit (and a commit wakes a loop); retries come round with the poll.
      runOnce: () => this.processBatch(), nextDue: async () => null,
    });
  }

  register(consumer: DurableEventConsumer): void {
    this.consumers.push(consumer);
  }

  /**
   * Work to do when an event is set aside, in the transaction that sets it aside (in a savepoint: a hook
   * that fails is logged and does not keep the event from being set aside).
   */
  onSetAside(hook: (uow: UnitOfWork, setAside: SetAside) => Promise<void>): void {
    this.setAsideHooks.push(hook);
  }

  /** Observe processed events (tests, metrics). Returns an unsubscribe function. */
  onProcessed(listener: (event: DomainEvent, ok: boolean) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onApplicationBootstrap(): void {
    if (!this.config.outboxDispatcher) return;
    this.start();
  }

  start(): void {
    this.loop.start();
  }

  /** Before the connections close (TypeORM closes them in onApplicationShutdown): let the batch in hand finish. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.loop.stop();
  }

  /**
   * New work: one idle worker looks for it (or the next one to finish a batch, when none is idle).
   * Waking every worker for every committed event sent seven empty claims after each one at low load.
   */
  @OnEvent(OUTBOX_COMMITTED)
  wake(): void {
    this.loop.wake();
  }

  /**
   * Claims and processes one batch; returns how many events it took.
   *
   * Optimistic first: the events run without a savepoint each (two round trips saved per event that
   * triggers anything). If one of them fails, that attempt is rolled back as a whole and the batch
   * runs again carefully, each event in a savepoint of its own, so the failure is recorded against
   * that event alone. Failures are rare, so the rerun costs far less than the savepoints it avoids.
   */
  async processBatch(): Promise<number> {
    const outcomes = await this.tx.runOptimistically(async (uow) => {
      const attempt: Array<{ event: DomainEvent; ok: boolean }> = [];
      const claimed = await this.outbox.claim(uow, this.claimLimit);
      if (!claimed.length) return attempt;
      const done: string[] = [];
      const deadline = performance.now() + MAX_BATCH_MS;
      let stoppedAtDeadline = false;
      const runnable = this.runnableByCase(claimed).map((rows) => rows.map((row) => ({ row, event: toEvent(row) })));
      if (uow.optimistic) await this.prepare(runnable.flat().map((r) => r.event), uow);
      cases: for (const events of runnable) {
        for (const { row, event } of events) {
          if (attempt.length && performance.now() > deadline) {
            stoppedAtDeadline = true;
            break cases;
          }
          try {
            await this.deliver(event, uow);
            done.push(event.id);
            attempt.push({ event, ok: true });
            this.stats.lastLagMs = Date.now() - new Date(row.created_at).getTime();
          } catch (error) {
            if (uow.optimistic) throw new UnitMustBeRedone(error);
            await this.recordFailure(uow, row, error);
            attempt.push({ event, ok: false });
            break; // the case's later events wait for this one
          }
        }
      }
      this.claimLimit = nextClaimLimit(this.claimLimit, { claimed: claimed.length, done: attempt.length, stoppedAtDeadline });
      // One statement marks the whole batch: the work and the marks commit together.
      if (done.length) {
        await this.outbox.markProcessed(uow, done);
      }
      return attempt;
    });
    for (const { event, ok } of outcomes) {
      if (ok) this.stats.processed++; else this.stats.failed++;
      for (const listener of this.listeners) listener(event, ok);
    }
    // Events this batch unblocked (a case's next event, claimed by a sibling that could not run it yet)
    // or left over (the batch was full, or stopped at its deadline) need another worker.
    if (outcomes.length) this.wake();
    return outcomes.length;
  }

  /**
   * Per case, the claimed events that may run now, in order: only a run that starts at the case's
   * oldest unprocessed event and stops at the first event this batch does not hold (another
   * worker's, or one waiting for its retry). Keeps every case's events strictly in order across
   * workers and processes, while a batch can still take several events of one case.
   */
  private runnableByCase(claimed: ClaimedRow[]): OutboxRow[][] {
    const mine = new Map<string, ClaimedRow[]>();
    for (const row of claimed) mine.set(row.case_id, [...(mine.get(row.case_id) ?? []), row]);
    const runnable: OutboxRow[][] = [];
    for (const rows of mine.values()) {
      const queue = rows[0].case_queue;
      const run: OutboxRow[] = [];
      for (const row of rows) {
        if (queue[run.length] !== String(row.seq)) break;
        run.push(row);
      }
      if (run.length) runnable.push(run);
    }
    return runnable;
  }

  private async prepare(events: DomainEvent[], uow: UnitOfWork): Promise<void> {
    if (!events.length) return;
    try {
      for (const consumer of this.consumers) await consumer.prepare?.(events, uow);
    } catch (error) {
      throw new UnitMustBeRedone(error);
    }
  }

  /** Hands the event to the consumers that want it; in a careful unit, in a savepoint of its own. */
  private async deliver(event: DomainEvent, uow: UnitOfWork): Promise<void> {
    const interested: DurableEventConsumer[] = [];
    for (const consumer of this.consumers) {
      if (!consumer.wants || (await consumer.wants(event, uow))) interested.push(consumer);
    }
    if (!interested.length) return;
    const consumeAll = async (eventUow: UnitOfWork) => {
      for (const consumer of interested) await consumer.consume(event, eventUow);
    };
    if (uow.optimistic) await consumeAll(uow);
    else await inSavepoint(uow, consumeAll);
  }

  private async recordFailure(uow: UnitOfWork, row: OutboxRow, error: unknown): Promise<void> {
    const attempts = row.attempts + 1;
    const giveUp = attempts >= this.config.outboxMaxAttempts;
    // A consumer may throw anything; a failure to describe it must not fail the whole batch.
    const message = (error instanceof Error ? error.message : String(error)) || 'unknown error';
    if (giveUp) this.stats.setAside++;
    if (giveUp) this.logger.error(`event ${row.name} ${row.id} failed ${attempts} times and is set aside: ${message}`);
    else this.logger.warn(`event ${row.name} ${row.id} failed (attempt ${attempts}, retrying): ${message}`);
    // Back off exponentially: 1 s, 2 s, 4 s, ... (OUTBOX_RETRY_BASE_MS, default 1 s, doubled each time)
    const delaySeconds = (this.config.outboxRetryBaseMs / 1000) * 2 ** (attempts - 1);
    const timesSetAside = await this.outbox.markFailed(uow, row.id, attempts, message.slice(0, 2000), delaySeconds, giveUp);
    if (!giveUp) return;
    const setAside: SetAside = { event: toEvent(row), attempts, error: message, firstTime: timesSetAside === 1 };
    for (const hook of this.setAsideHooks) {
      try {
        await inSavepoint(uow, (child) => hook(child, setAside));
      } catch (hookError) {
        this.logger.error(`after setting event ${row.id} aside: ${(hookError as Error).message}`);
      }
    }
  }
}

function toEvent(row: OutboxRow): DomainEvent {
  return {
    id: row.id,
    name: row.name,
    caseId: row.case_id,
    actorId: row.actor_id,
    ruleId: row.rule_id,
    depth: row.depth,
    occurredAt: new Date(row.created_at).toISOString(),
    payload: row.payload,
    ...(row.dead_letter_count > 0 ? { redelivered: true } : {}),
  };
}
