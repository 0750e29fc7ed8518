import { Injectable } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { randomUUID } from 'node:crypto';
import type { UnitOfWork } from '../database/unit-of-work';
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
  constructor(private readonly emitter: EventEmitter2) {}

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
    await uow.manager.query(staged.sql, staged.params);
    return staged.events;
  }

  /**
   * The outbox INSERT of these events as SQL whose parameters start at `$first`, for a caller to run
   * as part of its own statement (a data-modifying WITH clause): one round trip for the change and its
   * events. The events are published in-process once `uow` commits; the caller must run the SQL in it.
   */
  stage(uow: UnitOfWork, caseId: string, origin: ChangeOrigin, drafts: EventDraft[], first: number): { sql: string; params: unknown[]; events: DomainEvent[] } {
    const occurredAt = new Date().toISOString();
    const events: DomainEvent[] = drafts.map((d) => ({
      id: randomUUID(), name: d.name, caseId, actorId: origin.actorId, ruleId: origin.ruleId ?? null, depth: depthOf(origin),
      occurredAt, payload: d.payload,
    }) as DomainEvent);
    const $ = (n: number) => `$${first + n - 1}`;
    // WITH ORDINALITY keeps the drafts' order in `seq`, which is the order the dispatcher follows.
    const sql = `INSERT INTO domain_events (id, name, case_id, actor_id, rule_id, depth, payload, created_at)
       SELECT e.id, e.name, ${$(3)}::uuid, ${$(4)}::uuid, ${$(5)}::uuid, ${$(6)}::int, e.payload, ${$(7)}::timestamptz
         FROM unnest(${$(1)}::uuid[], ${$(2)}::text[], ${$(8)}::jsonb[]) WITH ORDINALITY AS e(id, name, payload, n)
        ORDER BY e.n`;
    const params = [events.map((e) => e.id), events.map((e) => e.name), caseId, origin.actorId, origin.ruleId ?? null, depthOf(origin), occurredAt,
      events.map((e) => JSON.stringify(e.payload))];
    uow.afterCommit(() => { for (const e of events) this.publish(e); });
    return { sql, params, events };
  }

  private publish(event: DomainEvent): void {
    this.emitter.emit(event.name, event);
    this.emitter.emit(OUTBOX_COMMITTED, event);
  }
}
