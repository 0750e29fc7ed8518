import { Injectable } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { randomUUID } from 'node:crypto';
import type { SqlFragment } from '../database/executor';
import type { UnitOfWork } from '../database/unit-of-work';
import { OutboxRepository } from './outbox.repository';
import { depthOf, type CaseEventMap, type ChangeOrigin, type DomainEvent, type EventName } from './event-map';

/** One event of a change, before it is recorded. */
export type EventDraft = { [N in EventName]: { name: N; payload: CaseEventMap[N] } }[EventName];

/** In-process signal that new outbox rows were committed. */
export const OUTBOX_COMMITTED = 'outbox.committed';

/**
 * Records domain events in the outbox inside the caller's transaction and
 * publishes them in-process once that transaction has committed.
 */
@Injectable()
export class EventBus {
  constructor(private readonly emitter: EventEmitter2, private readonly outbox: OutboxRepository) {}

  async record<N extends EventName>(
    uow: UnitOfWork,
    name: N,
    caseId: string,
    origin: ChangeOrigin,
    payload: CaseEventMap[N],
  ): Promise<DomainEvent<N>> {
    const [event] = await this.recordMany(uow, caseId, origin, [{ name, payload } as EventDraft]);
    return event as DomainEvent<N>;
  }

  /** Several events of one change, in order, in one statement. */
  async recordMany(uow: UnitOfWork, caseId: string, origin: ChangeOrigin, drafts: EventDraft[]): Promise<DomainEvent[]> {
    if (!drafts.length) return [];
    const staged = this.stage(uow, caseId, origin, drafts, 1);
    await this.outbox.run(uow, staged);
    return staged.events;
  }

  /**
   * The outbox INSERT of these events as SQL whose parameters start at `$first`, for a caller to run
   * as part of its own statement (a data-modifying WITH clause): one round trip for the change and its
   * events. The events are published in-process once `uow` commits; the caller must run the SQL in it.
   */
  stage(uow: UnitOfWork, caseId: string, origin: ChangeOrigin, drafts: EventDraft[], first: number): SqlFragment & { events: DomainEvent[] } {
    const occurredAt = new Date().toISOString();
    const events: DomainEvent[] = drafts.map((d) => ({
      id: randomUUID(), name: d.name, caseId, actorId: origin.actorId, ruleId: origin.ruleId ?? null, depth: depthOf(origin),
      occurredAt, payload: d.payload,
    }) as DomainEvent);
    uow.afterCommit(() => { for (const e of events) this.publish(e); });
    return { ...this.outbox.insertSql(events, caseId, first), events };
  }

  private publish(event: DomainEvent): void {
    this.emitter.emit(event.name, event);
    this.emitter.emit(OUTBOX_COMMITTED, event);
  }
}
