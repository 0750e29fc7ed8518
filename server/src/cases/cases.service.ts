import { BadRequestException, ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
import { canSeeScope, visibleScopes, type AuthUser } from '../common/auth-user';
import type { CaseStatus, Severity, TimelineKind } from '../common/enums';
import { cappedTotal, type ListResult, type PageQuery } from '../common/list';
import type { Executor, SqlFragment } from '../database/executor';
import { TransactionRunner, type UnitOfWork } from '../database/unit-of-work';
import { EventBus, type EventDraft } from '../events/event-bus.service';
import type { CaseSnapshot, ChangeOrigin, EvidenceSummary } from '../events/event-map';
import type { UserEntity } from '../users/user.entity';
import { UsersService } from '../users/users.service';
import { CaseEntity } from './case.entity';
import { CaseRepository, type TimelineDraft, type TimelineEntryOfCase } from './case.repository';
import { toCaseView, toSnapshot } from './case-view';
import type { CaseView, CreateCaseDto, ListCasesQuery, UpdateCaseDto } from './dto/case.dto';
import { normaliseTags } from './tags';

/** What a person or a rule may change on a case. */
export interface CaseChanges {
  title?: string;
  description?: string;
  status?: CaseStatus;
  severity?: Severity;
  assigneeId?: string | null;
  /** Replaces the tag set. */
  tags?: string[];
  /** Adds to the tag set (what rules do). */
  addTags?: string[];
  dueDate?: string | null;
}

import type { TimelineView } from '../../../contracts/api';
export type { TimelineView };

/** The unit cache of the case rows readAhead() locked, as the unit last changed them. */
const LOCKED_CASES = 'cases-locked';
/** Under this name a unit stages its timeline entries (addTimelineEntry). */
const STAGED_TIMELINE = 'case-timeline';

@Injectable()
export class CasesService {
  constructor(
    private readonly cases: CaseRepository,
    private readonly users: UsersService,
    private readonly bus: EventBus,
    private readonly tx: TransactionRunner,
  ) {}

  async list(user: AuthUser, query: ListCasesQuery): Promise<ListResult<CaseView>> {
    const { rows, counted } = await this.cases.search({
      scopes: visibleScopes(user), status: query.status, assigneeId: query.assigneeId, tag: query.tag, scopeCode: query.scopeCode,
      caseType: query.caseType, q: query.q, sort: query.sort ?? '-createdAt',
    }, query);
    return { items: rows.map(toCaseView), ...cappedTotal(counted) };
  }

  async get(user: AuthUser, id: string): Promise<CaseView> {
    return toCaseView(await this.requireVisible(user, id));
  }

  /** The case, if it exists and the user may see it; otherwise 404 (never reveal that it exists). */
  async requireVisible(user: Pick<AuthUser, 'role' | 'scopeCodes'>, id: string, uow?: UnitOfWork, lock = false): Promise<CaseEntity> {
    const c = await this.cases.find(id, uow, lock);
    if (!c || !canSeeScope(user, c.scopeCode)) throw new NotFoundException('case not found');
    return c;
  }

  async create(user: AuthUser, dto: CreateCaseDto): Promise<CaseView> {
    if (!canSeeScope(user, dto.scopeCode)) throw new ForbiddenException(`you may not create cases in scope ${dto.scopeCode}`);
    const tags = normaliseTags(dto.tags ?? []);
    const created = await this.tx.run(async (uow) => {
      if (dto.assigneeId) await this.assertAssignable(dto.assigneeId, dto.scopeCode, uow);
      const caseNumber = await this.nextCaseNumber(uow, dto.scopeCode);
      const entity = await this.cases.insert(uow, {
        caseNumber, title: dto.title, description: dto.description ?? '', caseType: dto.caseType,
        scopeCode: dto.scopeCode, severity: dto.severity ?? 'MEDIUM', assigneeId: dto.assigneeId ?? null,
        ownerId: user.id, tags, dueDate: dto.dueDate ? new Date(dto.dueDate) : null,
      });
      const origin: ChangeOrigin = { actorId: user.id };
      await this.addTimelineEntry(uow, entity.id, 'CREATED', `Case ${caseNumber} opened by ${user.name}`, origin);
      await this.bus.record(uow, 'case.created', entity.id, origin, { case: toSnapshot(entity) });
      return entity;
    });
    return toCaseView(created);
  }

  async update(user: AuthUser, id: string, dto: UpdateCaseDto): Promise<CaseView> {
    const snapshot = await this.tx.run(async (uow) => {
      const current = await this.requireVisible(user, id, uow, true);
      return (await this.applyChanges(uow, id, dto, { actorId: user.id }, current)).case;
    });
    return toCaseView(snapshot);
  }

  /**
   * The one place a case changes after creation: validates, writes the row,
   * the timeline and the events, all in `uow`. Rules call it too, with an
   * origin that carries their rule id and the depth of the event that caused it.
   */
  async applyChanges(
    uow: UnitOfWork, id: string, changes: CaseChanges, origin: ChangeOrigin, locked?: CaseEntity,
  ): Promise<{ case: CaseSnapshot; changed: boolean }> {
    // `locked`: the caller already holds the row (SELECT … FOR UPDATE in this transaction); so does a unit that read ahead.
    const held = uow.cache<CaseEntity>(LOCKED_CASES);
    const current = locked ?? held.get(id) ?? (await this.cases.find(id, uow, true));
    if (!current) throw new NotFoundException('case not found');
    const before = toSnapshot(current);
    const next: CaseEntity = Object.assign(new CaseEntity(), current);
    const notes: string[] = [];
    let assignee: UserEntity | undefined;

    if (changes.title !== undefined && changes.title !== current.title) { next.title = changes.title; notes.push('title changed'); }
    if (changes.description !== undefined && changes.description !== current.description) { next.description = changes.description; notes.push('description changed'); }
    if (changes.severity !== undefined && changes.severity !== current.severity) {
      next.severity = changes.severity;
      notes.push(`severity changed from ${current.severity} to ${changes.severity}`);
    }
    if (changes.dueDate !== undefined) {
      const due = changes.dueDate === null ? null : new Date(changes.dueDate);
      if ((due?.getTime() ?? null) !== (current.dueDate?.getTime() ?? null)) {
        next.dueDate = due;
        notes.push(due ? `due date set to ${due.toISOString().slice(0, 10)}` : 'due date cleared');
      }
    }
    if (changes.status !== undefined && changes.status !== current.status) {
      next.status = changes.status;
      if (changes.status === 'CLOSED') next.closedAt = new Date();
      else if (changes.status !== 'ARCHIVED') next.closedAt = null;
    }
    if (changes.assigneeId !== undefined && changes.assigneeId !== current.assigneeId) {
      if (changes.assigneeId) assignee = await this.assertAssignable(changes.assigneeId, current.scopeCode, uow);
      next.assigneeId = changes.assigneeId;
    }
    let tags = current.tags;
    if (changes.tags !== undefined) tags = normaliseTags(changes.tags);
    if (changes.addTags?.length) tags = normaliseTags([...tags, ...changes.addTags]);
    const addedTags = tags.filter((t) => !current.tags.includes(t));
    const removedTags = current.tags.filter((t) => !tags.includes(t));
    if (addedTags.length || removedTags.length) next.tags = tags;

    const statusChanged = next.status !== current.status;
    const assigneeChanged = next.assigneeId !== current.assigneeId;
    if (!notes.length && !statusChanged && !assigneeChanged && !addedTags.length && !removedTags.length) {
      return { case: before, changed: false };
    }

    // Timeline entries first: they need only the before and after values, and go out with the UPDATE.
    const entries: TimelineDraft[] = [];
    if (statusChanged) entries.push(['STATUS_CHANGE', `Status changed from ${current.status} to ${next.status}`]);
    if (assigneeChanged) entries.push(['ASSIGNMENT', assignee ? `Assigned to ${assignee.name}` : 'Unassigned']);
    if (addedTags.length || removedTags.length) {
      const parts = [addedTags.length ? `added ${addedTags.join(', ')}` : '', removedTags.length ? `removed ${removedTags.join(', ')}` : ''];
      entries.push(['TAG', `Tags ${parts.filter(Boolean).join('; ')}`]);
    }
    if (notes.length) {
      const text = notes.join('; ');
      entries.push(['COMMENT', text.charAt(0).toUpperCase() + text.slice(1)]);
    }

    // The change's time is taken here, not by the database, so the events can carry the case as it will be.
    next.updatedAt = new Date();
    const after = toSnapshot(next);
    const changedFields = (Object.keys(after) as Array<keyof CaseSnapshot>)
      .filter((k) => k !== 'updatedAt' && JSON.stringify(after[k]) !== JSON.stringify(before[k]));
    const previous = Object.fromEntries(changedFields.map((k) => [k, before[k]])) as Partial<CaseSnapshot>;
    const events: EventDraft[] = [];
    if (statusChanged) events.push({ name: 'case.status_changed', payload: { case: after, fromStatus: current.status, toStatus: next.status } });
    if (assigneeChanged) events.push({ name: 'case.assigned', payload: { case: after, fromAssigneeId: current.assigneeId, toAssigneeId: next.assigneeId } });
    if (addedTags.length) events.push({ name: 'case.tagged', payload: { case: after, addedTags } });
    events.push({ name: 'case.updated', payload: { case: after, previous, changedFields } });

    // Entries staged for this case go first, so its timeline keeps the order things happened in.
    if (uow.stagedItems<TimelineEntryOfCase>(STAGED_TIMELINE).some((e) => e.caseId === id)) await uow.flushStagedNow(STAGED_TIMELINE);
    // The row, its timeline entries and its events in one statement: one round trip for the whole change.
    const outbox = this.bus.stage(uow, id, origin, events, 15);
    await this.cases.applyUpdate(uow, next, entries, origin, outbox);
    if (held.has(id)) held.set(id, next);
    return { case: after, changed: true };
  }

  /**
   * One timeline entry. In an optimistic unit (an engine batch) it is written with the unit's other entries in one
   * statement just before the commit, or earlier, when the unit changes the same case (see applyChanges).
   */
  async addTimelineEntry(uow: UnitOfWork, caseId: string, kind: TimelineKind, message: string, origin: ChangeOrigin): Promise<void> {
    const entry: TimelineEntryOfCase = { caseId, kind, message, actorId: origin.actorId, ruleId: origin.ruleId ?? null };
    await uow.writeAtCommitIfOptimistic(STAGED_TIMELINE, [entry], (unit, all) => this.cases.addTimelineEntriesOfCases(unit, all));
  }

  async timeline(user: AuthUser, id: string, page: PageQuery): Promise<ListResult<TimelineView>> {
    await this.requireVisible(user, id);
    const { rows, total } = await this.cases.timeline(id, page);
    return {
      items: rows.map((t) => ({
        id: t.id, caseId: t.case_id, kind: t.kind, message: t.message, actorId: t.actor_id, ruleId: t.rule_id,
        createdAt: t.created_at.toISOString(),
      })),
      total,
    };
  }

  /** Called by the evidence module inside its upload transaction. */
  async recordEvidence(uow: UnitOfWork, caseId: string, evidence: EvidenceSummary, origin: ChangeOrigin): Promise<void> {
    const c = await this.cases.incrementEvidenceCount(uow, caseId);
    if (!c) throw new NotFoundException('case not found');
    await this.addTimelineEntry(uow, caseId, 'EVIDENCE', `Evidence uploaded: ${evidence.filename}`, origin);
    await this.bus.record(uow, 'evidence.uploaded', caseId, origin, { case: toSnapshot(c), evidence });
  }

  async snapshot(id: string, uow?: UnitOfWork): Promise<CaseSnapshot | null> {
    const c = await this.cases.find(id, uow);
    return c ? toSnapshot(c) : null;
  }

  /**
   * Reads the cases a batch of work in `uow` is about to act on, by id (a case that does not exist is absent).
   * Those in `lock` are locked as a change would lock them, all in one statement; applyChanges in the same
   * unit then starts from that row instead of reading and locking it again.
   */
  async readAhead(uow: UnitOfWork, ids: string[], lock: string[]): Promise<Map<string, CaseSnapshot>> {
    const locking = new Set(lock);
    const plain = [...new Set(ids)].filter((id) => !locking.has(id));
    const [locked, read] = [await this.cases.findMany(uow, [...locking], true), await this.cases.findMany(uow, plain)];
    const held = uow.cache<CaseEntity>(LOCKED_CASES);
    for (const c of locked) held.set(c.id, c);
    return new Map([...locked, ...read].map((c) => [c.id, toSnapshot(c)]));
  }

  /** Open (not CLOSED/ARCHIVED) cases per assignee, for LEAST_LOADED assignment. */
  openCaseCounts(userIds: string[], uow?: UnitOfWork): Promise<Map<string, number>> {
    return this.cases.openCaseCounts(userIds, uow);
  }

  /**
   * Locks the case for the rest of `uow`, as a change would (FOR NO KEY UPDATE), so work that may change it
   * (a rule run retried by hand) waits for other writers; false when the case does not exist.
   */
  lockForUpdate(uow: UnitOfWork, id: string): Promise<boolean> {
    return this.cases.lockForUpdate(uow, id);
  }

  /**
   * One keyset page of the cases matching `predicate` (SQL over `cases c`, parameters from $2, e.g. a rule's
   * compiled conditions), ids after `afterId`; on `executor` when given (the scheduler's background pool).
   */
  pageMatching(predicate: SqlFragment, afterId: string, limit: number, executor?: Executor): Promise<Array<{ id: string; case_number: string }>> {
    return this.cases.pageMatching(predicate, afterId, limit, executor);
  }

  /** How many cases satisfy `predicate` (SQL over `cases c`, parameters from $1): a backtest's "matching now". */
  countMatching(predicate: SqlFragment, executor?: Executor): Promise<number> {
    return this.cases.countMatching(predicate, executor);
  }

  private async assertAssignable(userId: string, scopeCode: string, uow: UnitOfWork): Promise<UserEntity> {
    const { user, problem } = (await this.users.scopeAccess([userId], scopeCode, uow)).get(userId)!;
    if (problem === 'NO_SUCH_USER') throw new BadRequestException(['assigneeId: no such user']);
    if (problem === 'DEACTIVATED') throw new BadRequestException([`assigneeId: user ${user!.name} is deactivated`]);
    if (problem === 'OUT_OF_SCOPE') throw new BadRequestException([`assigneeId: user ${user!.name} may not see scope ${scopeCode}`]);
    return user!;
  }

  private async nextCaseNumber(uow: UnitOfWork, scopeCode: string): Promise<string> {
    const year = new Date().getUTCFullYear();
    const n = await this.cases.nextCaseNumber(uow, scopeCode, year);
    return `${scopeCode}-${year}-${String(n).padStart(4, '0')}`;
  }
}
