import { describe, expect, it } from '@jest/globals';
import { BadRequestException, Logger, NotFoundException } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import type { DataSource, EntityManager } from 'typeorm';
import type { AuthUser } from '../common/auth-user';
import { UnitOfWork, type TransactionRunner } from '../database/unit-of-work';
import { EventBus } from '../events/event-bus.service';
import type { DomainEvent } from '../events/event-map';
import { OutboxRepository } from '../events/outbox.repository';
import { UserEntity } from '../users/user.entity';
import type { UserRepository } from '../users/user.repository';
import { UsersService } from '../users/users.service';
import { InMemoryCaseRepository } from './case.repository.fake';
import { CasesService } from './cases.service';

/**
 * The case rules (what a change writes, which events and timeline entries it stages, what it refuses)
 * against an in-memory repository: milliseconds, no database. cases.e2e.spec.ts runs the same paths on
 * PostgreSQL.
 */

const user = (fields: Partial<UserEntity>): UserEntity => Object.assign(new UserEntity(), {
  id: crypto.randomUUID(), email: 'x@test.local', name: 'Someone', role: 'INVESTIGATOR', isActive: true, scopeCodes: [], passwordHash: '',
  createdAt: new Date(), updatedAt: new Date(),
}, fields);

function setup() {
  const cases = new InMemoryCaseRepository();
  const people = new Map<string, UserEntity>();
  const addUser = (fields: Partial<UserEntity>) => { const u = user(fields); people.set(u.id, u); return u; };
  const userRepository = { findByIds: async (ids: string[]) => ids.flatMap((id) => (people.has(id) ? [people.get(id)!] : [])) };
  const emitter = new EventEmitter2();
  const published: DomainEvent[] = [];
  emitter.on('outbox.committed', (e: DomainEvent) => published.push(e));
  const bus = new EventBus(emitter, new OutboxRepository(undefined as unknown as DataSource));
  const tx = {
    async run<T>(work: (uow: UnitOfWork) => Promise<T>, existing?: UnitOfWork): Promise<T> {
      if (existing) return work(existing);
      const uow = new UnitOfWork({ query: async () => [] } as unknown as EntityManager);
      const result = await work(uow);
      await uow.flush(new Logger('test'));
      return result;
    },
  } as unknown as TransactionRunner;
  const service = new CasesService(
    cases as never, new UsersService(userRepository as unknown as UserRepository, emitter), bus, tx);
  /** Runs `applyChanges` in a unit that then commits; returns what it returned and the events it published. */
  const change = async (id: string, changes: Parameters<CasesService['applyChanges']>[2], origin = { actorId: 'a0000000-0000-4000-8000-000000000001' }) => {
    published.length = 0;
    const result = await tx.run((uow) => service.applyChanges(uow, id, changes, origin));
    return { ...result, events: [...published] };
  };
  return { cases, service, addUser, change };
}

describe('CasesService.applyChanges (in memory)', () => {
  it('closing a case sets closedAt, stages status_changed then updated, and one STATUS_CHANGE entry, in one update', async () => {
    const { cases, change } = setup();
    const c = cases.seed({ status: 'IN_PROGRESS' });
    const { changed, case: after, events } = await change(c.id, { status: 'CLOSED' });
    expect(changed).toBe(true);
    expect(after.status).toBe('CLOSED');
    expect(after.closedAt).not.toBeNull();
    expect(events.map((e) => e.name)).toEqual(['case.status_changed', 'case.updated']);
    expect(events[0].payload).toMatchObject({ fromStatus: 'IN_PROGRESS', toStatus: 'CLOSED' });
    expect((events[1].payload as { changedFields: string[] }).changedFields.sort()).toEqual(['closedAt', 'status']);
    expect(cases.updates).toHaveLength(1);
    expect(cases.updates[0].entries).toEqual([['STATUS_CHANGE', 'Status changed from IN_PROGRESS to CLOSED']]);
    expect(cases.updates[0].outbox.sql).toContain('INSERT INTO domain_events');
    expect(cases.rows.get(c.id)!.closedAt).toEqual(new Date(after.closedAt!));
  });

  it('reopening clears closedAt; archiving keeps it', async () => {
    const { cases, change } = setup();
    const closedAt = new Date('2026-01-06T00:00:00.000Z');
    const archived = cases.seed({ status: 'CLOSED', closedAt });
    expect((await change(archived.id, { status: 'ARCHIVED' })).case.closedAt).toBe(closedAt.toISOString());
    const reopened = cases.seed({ status: 'CLOSED', closedAt });
    expect((await change(reopened.id, { status: 'IN_PROGRESS' })).case.closedAt).toBeNull();
  });

  it('assigns an active user who may see the scope: ASSIGNMENT entry with their name, case.assigned from → to', async () => {
    const { cases, addUser, change } = setup();
    const ann = addUser({ name: 'Ann Auditor', scopeCodes: ['FIN'] });
    const c = cases.seed();
    const { events } = await change(c.id, { assigneeId: ann.id });
    expect(events.map((e) => e.name)).toEqual(['case.assigned', 'case.updated']);
    expect(events[0].payload).toMatchObject({ fromAssigneeId: null, toAssigneeId: ann.id });
    expect(cases.updates[0].entries).toEqual([['ASSIGNMENT', 'Assigned to Ann Auditor']]);
    await change(c.id, { assigneeId: null });
    expect(cases.updates[1].entries).toEqual([['ASSIGNMENT', 'Unassigned']]);
  });

  it('refuses an assignee who is unknown, deactivated or outside the scope, naming them, and writes nothing', async () => {
    const { cases, addUser, change } = setup();
    const c = cases.seed({ scopeCode: 'FIN' });
    const gone = addUser({ name: 'Gone Gary', isActive: false });
    const hr = addUser({ name: 'Hanna HR', scopeCodes: ['HR'] });
    const refusal = async (assigneeId: string) => {
      const error = await change(c.id, { assigneeId }).then(() => undefined, (e: unknown) => e);
      expect(error).toBeInstanceOf(BadRequestException);
      return (error as BadRequestException).getResponse();
    };
    expect(await refusal('d0000000-0000-4000-8000-00000000dead')).toMatchObject({ message: ['assigneeId: no such user'] });
    expect(await refusal(gone.id)).toMatchObject({ message: ['assigneeId: user Gone Gary is deactivated'] });
    expect(await refusal(hr.id)).toMatchObject({ message: ['assigneeId: user Hanna HR may not see scope FIN'] });
    expect(cases.updates).toEqual([]);
  });

  it('adds tags normalised and once, stages case.tagged with only the new ones, and reports removals', async () => {
    const { cases, change } = setup();
    const c = cases.seed({ tags: ['urgent'] });
    const { events, case: after } = await change(c.id, { addTags: [' Fraud ', 'urgent', 'FRAUD'] });
    expect(after.tags).toEqual(['urgent', 'fraud']);
    expect(events.find((e) => e.name === 'case.tagged')?.payload).toMatchObject({ addedTags: ['fraud'] });
    expect(cases.updates[0].entries).toEqual([['TAG', 'Tags added fraud']]);
    const replaced = await change(c.id, { tags: ['fraud', 'vat'] });
    expect(replaced.case.tags).toEqual(['fraud', 'vat']);
    expect(cases.updates[1].entries).toEqual([['TAG', 'Tags added vat; removed urgent']]);
  });

  it('a tag that is empty after trimming is a 400 naming the field', async () => {
    const { cases, change } = setup();
    const c = cases.seed();
    await expect(change(c.id, { tags: ['ok', '   '] })).rejects.toThrow(BadRequestException);
    expect(cases.updates).toEqual([]);
  });

  it('field edits become one COMMENT entry; only case.updated is staged, with the previous values', async () => {
    const { cases, change } = setup();
    const c = cases.seed({ title: 'Old', severity: 'MEDIUM' });
    const { events } = await change(c.id, { title: 'New', severity: 'HIGH', dueDate: '2026-03-01T12:00:00.000Z' });
    expect(cases.updates[0].entries).toEqual([['COMMENT', 'Title changed; severity changed from MEDIUM to HIGH; due date set to 2026-03-01']]);
    expect(events.map((e) => e.name)).toEqual(['case.updated']);
    expect(events[0].payload).toMatchObject({ previous: { title: 'Old', severity: 'MEDIUM', dueDate: null } });
  });

  it('a change to the values the case already has writes nothing and stages no event', async () => {
    const { cases, change } = setup();
    const c = cases.seed({ status: 'OPEN', tags: ['a'], title: 'Same' });
    const { changed, events } = await change(c.id, { status: 'OPEN', tags: ['A'], title: 'Same', assigneeId: null });
    expect(changed).toBe(false);
    expect(events).toEqual([]);
    expect(cases.updates).toEqual([]);
  });

  it("a rule's change is written as the rule's, one level deeper than its cause", async () => {
    const { cases, change } = setup();
    const c = cases.seed();
    const ruleId = 'b0000000-0000-4000-8000-000000000002';
    const { events } = await change(c.id, { status: 'UNDER_REVIEW' }, { actorId: null, ruleId, causeDepth: 2 } as never);
    expect(cases.updates[0].author).toMatchObject({ actorId: null, ruleId });
    expect(events.every((e) => e.depth === 3 && e.ruleId === ruleId && e.actorId === null)).toBe(true);
  });

  it('a case that does not exist is a 404', async () => {
    const { change } = setup();
    await expect(change('c0000000-0000-4000-8000-000000000404', { status: 'CLOSED' })).rejects.toThrow(NotFoundException);
  });
});

describe('CasesService.create (in memory)', () => {
  it('numbers cases per scope and year, records CREATED and stages case.created', async () => {
    const { cases, service } = setup();
    const admin: AuthUser = { id: 'a0000000-0000-4000-8000-000000000001', email: 'a@test.local', name: 'Ada Admin', role: 'ADMIN', scopeCodes: [] };
    const year = new Date().getUTCFullYear();
    const first = await service.create(admin, { title: 'One', caseType: 'AUDIT', scopeCode: 'FIN' });
    const second = await service.create(admin, { title: 'Two', caseType: 'AUDIT', scopeCode: 'FIN', tags: ['X', 'x'] });
    const other = await service.create(admin, { title: 'Three', caseType: 'AUDIT', scopeCode: 'HR' });
    expect([first.caseNumber, second.caseNumber, other.caseNumber]).toEqual([`FIN-${year}-0001`, `FIN-${year}-0002`, `HR-${year}-0001`]);
    expect(second.tags).toEqual(['x']);
    expect(cases.timelineRows.filter((t) => t.case_id === first.id).map((t) => [t.kind, t.message]))
      .toEqual([['CREATED', `Case FIN-${year}-0001 opened by Ada Admin`]]);
  });
});
