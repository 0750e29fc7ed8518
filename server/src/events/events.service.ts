import { Injectable } from '@nestjs/common';
import type { Executor } from '../database/executor';
import type { ListResult } from '../common/list';
import type { EventView } from '../../../contracts/workflows';
import type { DeadLetterView } from '../../../contracts/workflows';
import type { UnitOfWork } from '../database/unit-of-work';
import type { EventName } from './event-map';
import { OutboxDispatcher } from './outbox-dispatcher.service';
import {
  OutboxRepository, type DeadLetterRow, type ReplayPageQuery, type ReplayRow, type StoredEventRow, type StoredEventSummaryRow,
} from './outbox.repository';

export type { ReplayPageQuery, ReplayRow };

export type { EventView };

/** An event as the API lists it (GET /workflows/events, and the head of a trace). */
export function toEventView(r: StoredEventSummaryRow): EventView {
  return {
    id: r.id, name: r.name, caseId: r.case_id, depth: r.depth, createdAt: new Date(r.created_at).toISOString(),
    processedAt: r.processed_at ? new Date(r.processed_at).toISOString() : null,
  };
}

export function toDeadLetterView(r: DeadLetterRow): DeadLetterView {
  return {
    id: r.id, eventName: r.name, caseId: r.case_id, caseNumber: r.case_number, attempts: r.attempts, error: r.last_error,
    createdAt: new Date(r.created_at).toISOString(), deadLetteredAt: new Date(r.dead_lettered_at).toISOString(),
    payload: r.payload as unknown as Record<string, unknown>,
  };
}

/** A stored event with what a trace needs: its payload (the case as it was) and its processing state. */
export type StoredEvent = StoredEventRow;

/** What other modules may ask about the events in the outbox; they never read `domain_events` themselves. */
@Injectable()
export class EventsService {
  constructor(private readonly outbox: OutboxRepository, private readonly dispatcher: OutboxDispatcher) {}

  /** Open dead letters, the most recently set aside first. */
  async deadLetters(query: { limit: number; offset: number }): Promise<ListResult<DeadLetterView>> {
    const { rows, total } = await this.outbox.deadLetters(query.limit, query.offset);
    return { items: rows.map(toDeadLetterView), total };
  }

  countDeadLetters(): Promise<number> {
    return this.outbox.countDeadLetters();
  }

  /** Sends an open dead letter back for processing (after `uow` commits); null when there is none with this id. */
  async retryDeadLetter(uow: UnitOfWork, id: string): Promise<DeadLetterView | null> {
    const row = await this.outbox.requeueDeadLetter(uow, id);
    if (row) uow.afterCommit(() => this.dispatcher.wake());
    return row && toDeadLetterView(row);
  }

  /** Closes an open dead letter for good; null when there is none with this id. */
  async dismissDeadLetter(uow: UnitOfWork, id: string): Promise<DeadLetterView | null> {
    const row = await this.outbox.dismissDeadLetter(uow, id);
    return row && toDeadLetterView(row);
  }

  /** Newest first, of one case when `caseId` is given. */
  async list(query: { caseId?: string; limit: number; offset: number }): Promise<ListResult<EventView>> {
    const { rows, total } = await this.outbox.list(query.caseId, query.limit, query.offset);
    return {
      items: rows.map(toEventView),
      total,
    };
  }

  /** The event behind a trace, or null once it is past retention. */
  findForTrace(id: string): Promise<StoredEvent | null> {
    return this.outbox.find(id);
  }

  /** Events recorded in [from, to), per name (read inside the caller's transaction). */
  countByName(executor: Executor, from: Date, to: Date): Promise<Map<EventName, number>> {
    return this.outbox.countByName(executor, from, to);
  }

  /** Makes the caller's transaction read replay pages in index order (call once, before the first page). */
  preferOrderedScans(executor: Executor): Promise<void> {
    return this.outbox.preferOrderedScans(executor);
  }

  /** One keyset page of recorded events for a replay (backtest), oldest first. */
  replayPage(executor: Executor, query: ReplayPageQuery): Promise<ReplayRow[]> {
    return this.outbox.replayPage(executor, query);
  }

  /** Whole stored events by id. */
  findMany(executor: Executor, ids: string[]): Promise<StoredEvent[]> {
    return this.outbox.findMany(executor, ids);
  }

  backlog(): Promise<{ pending: number; lagSeconds: number }> {
    return this.outbox.backlog();
  }

  /** Deletes processed events older than `days`, in batches so each statement stays short; returns how many. */
  async pruneProcessed(days: number, executor?: Executor): Promise<number> {
    const BATCH = 5000;
    let deleted = 0;
    for (;;) {
      const n = await this.outbox.deleteProcessedBefore(days, BATCH, executor);
      deleted += n;
      if (n < BATCH) return deleted;
    }
  }
}
