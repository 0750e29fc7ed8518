import { Injectable } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { randomUUID } from 'node:crypto';
import type { UnitOfWork } from '../database/unit-of-work';
import { depthOf, type CaseEventMap, type ChangeOrigin, type DomainEvent, type EventName } from './event-map';

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
    const event: DomainEvent<N> = {
      id: randomUUID(),
      name,
      caseId,
      actorId: origin.actorId,
      ruleId: origin.ruleId ?? null,
      depth: depthOf(origin),
      occurredAt: new Date().toISOString(),
      payload,
    };
    await uow.manager.query(
      `INSERT INTO domain_events (id, name, case_id, actor_id, rule_id, depth, payload, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [event.id, name, caseId, event.actorId, event.ruleId, event.depth, JSON.stringify(payload), event.occurredAt],
    );
    uow.afterCommit(() => this.publish(event));
    return event;
  }

  private publish(event: DomainEvent): void {
    this.emitter.emit(event.name, event);
    this.emitter.emit(OUTBOX_COMMITTED, event);
  }
}
