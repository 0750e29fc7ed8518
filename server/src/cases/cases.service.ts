import { BadRequestException, ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { canSeeScope, visibleScopes, type AuthUser } from '../common/auth-user';
import type { CaseStatus, Severity, TimelineKind } from '../common/enums';
import type { ListResult, PageQuery } from '../common/list';
import { TransactionRunner, type UnitOfWork } from '../database/unit-of-work';
import { EventBus, type EventDraft } from '../events/event-bus.service';
import type { CaseSnapshot, ChangeOrigin, EvidenceSummary } from '../events/event-map';
import type { UserEntity } from '../users/user.entity';
import { UsersService } from '../users/users.service';
import { CaseEntity } from './case.entity';
import { toCaseView, toSnapshot } from './case-view';
import type { CaseView, CreateCaseDto, ListCasesQuery, UpdateCaseDto } from './dto/case.dto';
import { normaliseTags } from './tags';
import { TimelineEntryEntity } from './timeline-entry.entity';

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

interface CaseRow {
  id: string; case_number: string; title: string; description: string; status: CaseStatus; case_type: CaseEntity['caseType'];
  scope_code: string; severity: Severity; assignee_id: string | null; owner_id: string | null; tags: string[]; due_date: Date | null;
  evidence_count: number; created_at: Date; updated_at: Date; closed_at: Date | null;
}
const CASE_COLUMNS = `id, case_number, title, description, status, case_type, scope_code, severity, assignee_id, owner_id, tags,
  due_date, evidence_count, created_at, updated_at, closed_at`;

function fromRow(r: CaseRow): CaseEntity {
  return Object.assign(new CaseEntity(), {
    id: r.id, caseNumber: r.case_number, title: r.title, description: r.description, status: r.status, caseType: r.case_type,
    scopeCode: r.scope_code, severity: r.severity, assigneeId: r.assignee_id, ownerId: r.owner_id, tags: r.tags, dueDate: r.due_date,
    evidenceCount: r.evidence_count, createdAt: r.created_at, updatedAt: r.updated_at, closedAt: r.closed_at,
  });
}

const SORT_COLUMNS: Record<string, string> = {
  createdAt: 'c.created_at', updatedAt: 'c.updated_at', dueDate: 'c.due_date', caseNumber: 'c.case_number', severity: 'c.severity',
};

/** Timeline rows from parallel arrays, a microsecond apart so the timeline's order is the order they were written in. */
const TIMELINE_INSERT = (caseId: string, kinds: string, messages: string, actorId: string, ruleId: string) =>
  `INSERT INTO case_timeline (case_id, kind, message, actor_id, rule_id, created_at)
   SELECT ${caseId}, e.kind, e.message, ${actorId}::uuid, ${ruleId}::uuid, clock_timestamp() + e.n * interval '1 microsecond'
     FROM unnest(${kinds}::timeline_kind[], ${messages}::text[]) WITH ORDINALITY AS e(kind, message, n)`;

@Injectable()
export class CasesService {
  constructor(
    @InjectRepository(CaseEntity) private readonly cases: Repository<CaseEntity>,
    @InjectRepository(TimelineEntryEntity) private readonly timelineEntries: Repository<TimelineEntryEntity>,
    private readonly users: UsersService,
    private readonly bus: EventBus,
    private readonly tx: TransactionRunner,
  ) {}

  async list(user: AuthUser, query: ListCasesQuery): Promise<ListResult<CaseView>> {
    const qb = this.cases.createQueryBuilder('c');
    const scopes = visibleScopes(user);
    if (scopes) qb.andWhere('c.scope_code = ANY(:scopes)', { scopes });
    if (query.status) qb.andWhere('c.status = :status', { status: query.status });
    if (query.assigneeId) qb.andWhere('c.assignee_id = :assigneeId', { assigneeId: query.assigneeId });
    if (query.tag) qb.andWhere(':tag = ANY(c.tags)', { tag: query.tag });
    if (query.scopeCode) qb.andWhere('c.scope_code = :scopeCode', { scopeCode: query.scopeCode });
    if (query.caseType) qb.andWhere('c.case_type = :caseType', { caseType: query.caseType });
    if (query.q) {
      const like = `%${query.q.replace(/[\\%_]/g, (m) => '\\' + m)}%`;
      qb.andWhere('(c.case_number ILIKE :like OR c.title ILIKE :like OR c.description ILIKE :like)', { like });
    }
    const sort = query.sort ?? '-createdAt';
    const direction = sort.startsWith('-') ? 'DESC' : 'ASC';
    qb.orderBy(SORT_COLUMNS[sort.replace(/^-/, '')], direction, direction === 'DESC' ? 'NULLS LAST' : 'NULLS FIRST')
      .addOrderBy('c.id', direction)
      .take(query.limit).skip(query.offset);
    const [rows, total] = await qb.getManyAndCount();
    return { items: rows.map(toCaseView), total };
  }

  async get(user: AuthUser, id: string): Promise<CaseView> {
    return toCaseView(await this.requireVisible(user, id));
  }

  /** The case, if it exists and the user may see it; otherwise 404 (never reveal that it exists). */
  async requireVisible(user: Pick<AuthUser, 'role' | 'scopeCodes'>, id: string, uow?: UnitOfWork, lock = false): Promise<CaseEntity> {
    const c = await this.load(id, uow, lock);
    if (!c || !canSeeScope(user, c.scopeCode)) throw new NotFoundException('case not found');
    return c;
  }

  async create(user: AuthUser, dto: CreateCaseDto): Promise<CaseView> {
    if (!canSeeScope(user, dto.scopeCode)) throw new ForbiddenException(`you may not create cases in scope ${dto.scopeCode}`);
    const tags = normaliseTags(dto.tags ?? []);
    const created = await this.tx.run(async (uow) => {
      if (dto.assigneeId) await this.assertAssignable(dto.assigneeId, dto.scopeCode, uow);
      const caseNumber = await this.nextCaseNumber(uow, dto.scopeCode);
      const repo = uow.manager.getRepository(CaseEntity);
      const entity = await repo.save(repo.create({
        caseNumber, title: dto.title, description: dto.description ?? '', status: 'OPEN', caseType: dto.caseType,
        scopeCode: dto.scopeCode, severity: dto.severity ?? 'MEDIUM', assigneeId: dto.assigneeId ?? null,
        ownerId: user.id, tags, dueDate: dto.dueDate ? new Date(dto.dueDate) : null, evidenceCount: 0, closedAt: null,
      }));
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
    // `locked`: the caller already holds the row (SELECT … FOR UPDATE in this transaction).
    const current = locked ?? (await this.load(id, uow, true));
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
    const entries: Array<[TimelineKind, string]> = [];
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

    // The row, its timeline entries and its events in one statement: one round trip for the whole change.
    const outbox = this.bus.stage(uow, id, origin, events, 15);
    await uow.manager.query(
      `WITH updated AS (
         UPDATE cases SET title = $2, description = $3, status = $4, severity = $5, assignee_id = $6, tags = $7, due_date = $8,
                closed_at = $9, updated_at = $14
          WHERE id = $1
       ), timeline AS (
         ${TIMELINE_INSERT('$1', '$10', '$11', '$12', '$13')}
       )
       ${outbox.sql}`,
      [id, next.title, next.description, next.status, next.severity, next.assigneeId, next.tags, next.dueDate, next.closedAt,
        entries.map((e) => e[0]), entries.map((e) => e[1]), origin.actorId, origin.ruleId ?? null, next.updatedAt, ...outbox.params]);
    return { case: after, changed: true };
  }

  async addTimelineEntry(uow: UnitOfWork, caseId: string, kind: TimelineKind, message: string, origin: ChangeOrigin): Promise<void> {
    await this.addTimelineEntries(uow, caseId, [[kind, message]], origin);
  }

  private async addTimelineEntries(uow: UnitOfWork, caseId: string, entries: Array<[TimelineKind, string]>, origin: ChangeOrigin): Promise<void> {
    if (!entries.length) return;
    await uow.manager.query(TIMELINE_INSERT('$1', '$2', '$3', '$4', '$5'),
      [caseId, entries.map((e) => e[0]), entries.map((e) => e[1]), origin.actorId, origin.ruleId ?? null]);
  }



  async timeline(user: AuthUser, id: string, page: PageQuery): Promise<ListResult<TimelineView>> {
    await this.requireVisible(user, id);
    const [rows, total] = await this.timelineEntries.findAndCount({
      where: { caseId: id }, order: { createdAt: 'ASC', id: 'ASC' }, take: page.limit, skip: page.offset,
    });
    return {
      items: rows.map((t) => ({
        id: t.id, caseId: t.caseId, kind: t.kind, message: t.message, actorId: t.actorId, ruleId: t.ruleId,
        createdAt: t.createdAt.toISOString(),
      })),
      total,
    };
  }

  /** Called by the evidence module inside its upload transaction. */
  async recordEvidence(uow: UnitOfWork, caseId: string, evidence: EvidenceSummary, origin: ChangeOrigin): Promise<void> {
    const [rows] = await uow.manager.query(
      `UPDATE cases SET evidence_count = evidence_count + 1, updated_at = now() WHERE id = $1 RETURNING id`, [caseId]);
    if (!rows?.length) throw new NotFoundException('case not found');
    const c = (await this.load(caseId, uow))!;
    await this.addTimelineEntry(uow, caseId, 'EVIDENCE', `Evidence uploaded: ${evidence.filename}`, origin);
    await this.bus.record(uow, 'evidence.uploaded', caseId, origin, { case: toSnapshot(c), evidence });
  }

  async snapshot(id: string, uow?: UnitOfWork): Promise<CaseSnapshot | null> {
    const c = await this.load(id, uow);
    return c ? toSnapshot(c) : null;
  }

  /** Open (not CLOSED/ARCHIVED) cases per assignee, for LEAST_LOADED assignment. */
  async openCaseCounts(userIds: string[], uow?: UnitOfWork): Promise<Map<string, number>> {
    const runner = uow?.manager ?? this.cases.manager;
    const rows: Array<{ assignee_id: string; n: string }> = await runner.query(
      `SELECT assignee_id, count(*) AS n FROM cases
        WHERE assignee_id = ANY($1) AND status NOT IN ('CLOSED', 'ARCHIVED') GROUP BY assignee_id`, [userIds]);
    return new Map(rows.map((r) => [r.assignee_id, Number(r.n)]));
  }

  private async assertAssignable(userId: string, scopeCode: string, uow: UnitOfWork): Promise<UserEntity> {
    const [user] = await this.users.findManyByIds([userId], uow);
    if (!user) throw new BadRequestException(['assigneeId: no such user']);
    if (!user.isActive) throw new BadRequestException([`assigneeId: user ${user.name} is deactivated`]);
    if (!canSeeScope(user, scopeCode)) throw new BadRequestException([`assigneeId: user ${user.name} may not see scope ${scopeCode}`]);
    return user;
  }

  private async nextCaseNumber(uow: UnitOfWork, scopeCode: string): Promise<string> {
    const year = new Date().getUTCFullYear();
    // One atomic upsert: concurrent creates in the same scope and year get distinct numbers.
    const [{ last_value }] = await uow.manager.query(
      `INSERT INTO case_number_counters (scope_code, year, last_value) VALUES ($1, $2, 1)
       ON CONFLICT (scope_code, year) DO UPDATE SET last_value = case_number_counters.last_value + 1
       RETURNING last_value`, [scopeCode, year]);
    return `${scopeCode}-${year}-${String(last_value).padStart(4, '0')}`;
  }

  /**
   * Plain SQL rather than a query builder: this runs several times for every event the engine handles.
   * The lock is FOR NO KEY UPDATE, not FOR UPDATE: it still serialises writers of the case, but does not
   * wait for the FOR KEY SHARE locks that foreign-key checks take, so a PATCH does not queue behind an
   * engine batch that merely inserted history or notification rows pointing at the case.
   */
  private async load(id: string, uow?: UnitOfWork, lock = false): Promise<CaseEntity | null> {
    const manager = uow?.manager ?? this.cases.manager;
    const rows: CaseRow[] = await manager.query(
      `SELECT ${CASE_COLUMNS} FROM cases WHERE id = $1${lock && uow ? ' FOR NO KEY UPDATE' : ''}`, [id]);
    return rows.length ? fromRow(rows[0]) : null;
  }
}
