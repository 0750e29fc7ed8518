import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { CaseStatus, Severity, TimelineKind } from '../common/enums';
import { EXACT_TOTAL_LIMIT } from '../common/list';
import { managerOf, type Executor, type SqlFragment } from '../database/executor';
import type { UnitOfWork } from '../database/unit-of-work';
import { CaseEntity } from './case.entity';
import { escapeLike } from '../database/like';

/** A timeline entry to write: its kind and its text. */
export type TimelineDraft = [TimelineKind, string];

/** Who wrote timeline entries: a person, or a rule (then actorId is null). */
export interface TimelineAuthor { actorId: string | null; ruleId?: string | null }
/** One timeline entry of any case, with its author. */
export interface TimelineEntryOfCase { caseId: string; kind: TimelineKind; message: string; actorId: string | null; ruleId: string | null }

export interface TimelineRow {
  id: string; case_id: string; kind: TimelineKind; message: string; actor_id: string | null; rule_id: string | null; created_at: Date;
}

export interface CaseFilter {
  /** Only cases in these scopes; undefined: every scope. */
  scopes?: string[];
  status?: CaseStatus; assigneeId?: string; tag?: string; scopeCode?: string; caseType?: string;
  /** Free text over case number, title and description. */
  q?: string;
  sort: string;
}

export type NewCase = Pick<CaseEntity, 'caseNumber' | 'title' | 'description' | 'caseType' | 'scopeCode' | 'severity' | 'assigneeId' | 'ownerId' | 'tags' | 'dueDate'>;

interface CaseRow {
  id: string; case_number: string; title: string; description: string; status: CaseStatus; case_type: CaseEntity['caseType'];
  scope_code: string; severity: Severity; assignee_id: string | null; owner_id: string | null; tags: string[]; due_date: Date | null;
  evidence_count: number; created_at: Date; updated_at: Date; closed_at: Date | null;
}
const CASE_COLUMNS = `id, case_number, title, description, status, case_type, scope_code, severity, assignee_id, owner_id, tags,
  due_date, evidence_count, created_at, updated_at, closed_at`;

/** The one mapping of a `cases` row. */
function fromRow(r: CaseRow): CaseEntity {
  return Object.assign(new CaseEntity(), {
    id: r.id, caseNumber: r.case_number, title: r.title, description: r.description, status: r.status, caseType: r.case_type,
    scopeCode: r.scope_code, severity: r.severity, assigneeId: r.assignee_id, ownerId: r.owner_id, tags: r.tags, dueDate: r.due_date,
    evidenceCount: r.evidence_count, createdAt: r.created_at, updatedAt: r.updated_at, closedAt: r.closed_at,
  });
}

const SORT_COLUMNS: Record<string, string> = {
  createdAt: 'created_at', updatedAt: 'updated_at', dueDate: 'due_date', caseNumber: 'case_number', severity: 'severity',
};
const NULLABLE_SORT_COLUMNS = new Set(['due_date']);
/** How many of the newest cases (in the list's order) a search looks through before it asks the trigram indexes. */
const SEARCH_RECENT_WINDOW = 5000;

/** Timeline rows from parallel arrays, a microsecond apart so the timeline's order is the order they were written in. */
const TIMELINE_INSERT = (caseId: string, kinds: string, messages: string, actorId: string, ruleId: string) =>
  `INSERT INTO case_timeline (case_id, kind, message, actor_id, rule_id, created_at)
   SELECT ${caseId}, e.kind, e.message, ${actorId}::uuid, ${ruleId}::uuid, clock_timestamp() + e.n * interval '1 microsecond'
     FROM unnest(${kinds}::timeline_kind[], ${messages}::text[]) WITH ORDINALITY AS e(kind, message, n)`;

/** Every statement on `cases`, `case_timeline` and `case_number_counters`. */
@Injectable()
export class CaseRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Plain SQL rather than a query builder: this runs several times for every event the engine handles.
   * `lock`: FOR NO KEY UPDATE, not FOR UPDATE: it still serialises writers of the case, but does not
   * wait for the FOR KEY SHARE locks that foreign-key checks take, so a PATCH does not queue behind an
   * engine batch that merely inserted history or notification rows pointing at the case.
   */
  async find(id: string, uow?: UnitOfWork, lock = false): Promise<CaseEntity | null> {
    const rows: CaseRow[] = await this.db(uow).query(
      `SELECT ${CASE_COLUMNS} FROM cases WHERE id = $1${lock && uow ? ' FOR NO KEY UPDATE' : ''}`, [id]);
    return rows.length ? fromRow(rows[0]) : null;
  }

  /**
   * The cases with these ids that exist. `lock`: FOR NO KEY UPDATE, in id order, so two units locking
   * overlapping sets this way never deadlock.
   */
  async findMany(uow: UnitOfWork, ids: string[], lock = false): Promise<CaseEntity[]> {
    if (!ids.length) return [];
    const rows: CaseRow[] = await uow.manager.query(
      `SELECT ${CASE_COLUMNS} FROM cases WHERE id = ANY($1::uuid[])${lock ? ' ORDER BY id FOR NO KEY UPDATE' : ''}`, [ids]);
    return rows.map(fromRow);
  }

  /** Locks the case row for the rest of `uow` (as `find` with lock does) without reading it; false when there is no such case. */
  async lockForUpdate(uow: UnitOfWork, id: string): Promise<boolean> {
    const rows: unknown[] = await uow.manager.query('SELECT id FROM cases WHERE id = $1 FOR NO KEY UPDATE', [id]);
    return rows.length > 0;
  }

  /** A page of matching cases and their count, exact up to EXACT_TOTAL_LIMIT (then cappedTotal says "at least"). */
  async search(filter: CaseFilter, page: { limit: number; offset: number }): Promise<{ rows: CaseEntity[]; counted: number }> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: (p: string) => string, value: unknown) => { params.push(value); where.push(sql(`$${params.length}`)); };
    if (filter.scopes) add((p) => `scope_code = ANY(${p})`, filter.scopes);
    if (filter.status) add((p) => `status = ${p}`, filter.status);
    if (filter.assigneeId) add((p) => `assignee_id = ${p}`, filter.assigneeId);
    if (filter.tag) add((p) => `${p} = ANY(tags)`, filter.tag);
    if (filter.scopeCode) add((p) => `scope_code = ${p}`, filter.scopeCode);
    if (filter.caseType) add((p) => `case_type = ${p}`, filter.caseType);
    const filters = where.length ? `WHERE ${where.join(' AND ')}` : '';
    // search_text: number, title and description, lower-cased, in one stored column with its trigram index (migration
    // 1765900000000). The pattern is lower-cased by PostgreSQL too, so both sides fold case the same way.
    const search = filter.q ? `search_text LIKE lower($${params.length + 1})` : null;
    if (filter.q) params.push(`%${escapeLike(filter.q)}%`);
    const conditions = search ? (filters ? `${filters} AND ${search}` : `WHERE ${search}`) : filters;
    const direction = filter.sort.startsWith('-') ? 'DESC' : 'ASC';
    const column = SORT_COLUMNS[filter.sort.replace(/^-/, '')] ?? 'created_at';
    // Only a nullable column gets a NULLS clause: on the others it would keep the planner off their indexes (a DESC
    // index holds NULLS FIRST), and the first page of a million cases would be a sort of all of them.
    const nulls = NULLABLE_SORT_COLUMNS.has(column) ? (direction === 'DESC' ? ' NULLS LAST' : ' NULLS FIRST') : '';
    const order = `${column} ${direction}${nulls}, id ${direction}`;
    const pageSql = `LIMIT ${Number(page.limit)} OFFSET ${Number(page.offset)}`;
    const countSql = `SELECT count(*)::int AS n FROM (SELECT 1 FROM cases ${conditions} LIMIT ${EXACT_TOTAL_LIMIT + 1}) capped`;
    if (!search) {
      const count = this.dataSource.query(countSql, params);
      // Awaited after the page: should the page fail first, its failure is the one reported, not an unhandled one.
      count.catch(() => undefined);
      const rows: CaseRow[] = await this.dataSource.query(`SELECT ${CASE_COLUMNS} FROM cases ${conditions} ORDER BY ${order} ${pageSql}`, params);
      const [{ n }] = await count;
      return { rows: rows.map(fromRow), counted: n };
    }
    // A search's first page: a common word fills it from the newest cases in the order's index at once (then the
    // count stops at its cap after a short scan), while a rare one would make that walk read the whole table; the
    // matches are then found through the trigram index first (MATERIALIZED keeps the planner from walking the order's
    // index instead), only they are sorted, and they are counted in the same statement rather than looked up twice.
    if (page.offset === 0) {
      const recent: CaseRow[] = await this.dataSource.query(
        `SELECT ${CASE_COLUMNS} FROM (SELECT ${CASE_COLUMNS}, search_text FROM cases ${filters} ORDER BY ${order} LIMIT ${SEARCH_RECENT_WINDOW}) recent
          WHERE ${search} ORDER BY ${order} ${pageSql}`, params);
      if (recent.length === page.limit) {
        const [{ n }] = await this.dataSource.query(countSql, params);
        return { rows: recent.map(fromRow), counted: n };
      }
    }
    const rows: Array<CaseRow & { matched: number }> = await this.dataSource.query(
      `WITH matches AS MATERIALIZED (SELECT ${CASE_COLUMNS} FROM cases ${conditions})
       SELECT *, (SELECT count(*) FROM (SELECT 1 FROM matches LIMIT ${EXACT_TOTAL_LIMIT + 1}) capped)::int AS matched
         FROM matches ORDER BY ${order} ${pageSql}`, params);
    // A page past the last match has no row to carry the count.
    const counted = rows.length ? rows[0].matched : (await this.dataSource.query(countSql, params))[0].n;
    return { rows: rows.map(({ matched: _, ...row }) => fromRow(row)), counted };
  }

  /** The scope's next case number of `year`: one atomic upsert, so concurrent creates get distinct numbers. */
  async nextCaseNumber(uow: UnitOfWork, scopeCode: string, year: number): Promise<number> {
    const [{ last_value }] = await uow.manager.query(
      `INSERT INTO case_number_counters (scope_code, year, last_value) VALUES ($1, $2, 1)
       ON CONFLICT (scope_code, year) DO UPDATE SET last_value = case_number_counters.last_value + 1
       RETURNING last_value`, [scopeCode, year]);
    return Number(last_value);
  }

  async insert(uow: UnitOfWork, c: NewCase): Promise<CaseEntity> {
    const rows: CaseRow[] = await uow.manager.query(
      `INSERT INTO cases (case_number, title, description, status, case_type, scope_code, severity, assignee_id, owner_id, tags, due_date)
       VALUES ($1, $2, $3, 'OPEN', $4, $5, $6, $7, $8, $9, $10)
       RETURNING ${CASE_COLUMNS}`,
      [c.caseNumber, c.title, c.description, c.caseType, c.scopeCode, c.severity, c.assigneeId, c.ownerId, c.tags, c.dueDate]);
    return fromRow(rows[0]);
  }

  /**
   * The row as `next`, its timeline entries and `outbox` (an INSERT whose parameters start at $15) in one
   * statement: one round trip for the whole change.
   */
  async applyUpdate(uow: UnitOfWork, next: CaseEntity, entries: TimelineDraft[], author: TimelineAuthor, outbox: SqlFragment): Promise<void> {
    await uow.manager.query(
      `WITH updated AS (
         UPDATE cases SET title = $2, description = $3, status = $4, severity = $5, assignee_id = $6, tags = $7, due_date = $8,
                closed_at = $9, updated_at = $14
          WHERE id = $1
       ), timeline AS (
         ${TIMELINE_INSERT('$1', '$10', '$11', '$12', '$13')}
       )
       ${outbox.sql}`,
      [next.id, next.title, next.description, next.status, next.severity, next.assigneeId, next.tags, next.dueDate, next.closedAt,
        entries.map((e) => e[0]), entries.map((e) => e[1]), author.actorId, author.ruleId ?? null, next.updatedAt, ...outbox.params]);
  }

  /** Counts one more evidence file; the case afterwards, or null when it does not exist. */
  async incrementEvidenceCount(uow: UnitOfWork, id: string): Promise<CaseEntity | null> {
    const [rows]: [CaseRow[], number] = await uow.manager.query(
      `UPDATE cases SET evidence_count = evidence_count + 1, updated_at = now() WHERE id = $1 RETURNING ${CASE_COLUMNS}`, [id]);
    return rows?.length ? fromRow(rows[0]) : null;
  }

  /** Entries of several cases in one statement, each case's in the order given. */
  async addTimelineEntriesOfCases(uow: UnitOfWork, entries: TimelineEntryOfCase[]): Promise<void> {
    if (!entries.length) return;
    const column = <T>(pick: (e: TimelineEntryOfCase) => T) => entries.map(pick);
    await uow.manager.query(
      `INSERT INTO case_timeline (case_id, kind, message, actor_id, rule_id, created_at)
       SELECT e.case_id, e.kind, e.message, e.actor_id, e.rule_id, clock_timestamp() + e.n * interval '1 microsecond'
         FROM unnest($1::uuid[], $2::timeline_kind[], $3::text[], $4::uuid[], $5::uuid[]) WITH ORDINALITY AS e(case_id, kind, message, actor_id, rule_id, n)`,
      [column((e) => e.caseId), column((e) => e.kind), column((e) => e.message), column((e) => e.actorId), column((e) => e.ruleId)]);
  }

  async addTimelineEntries(uow: UnitOfWork, caseId: string, entries: TimelineDraft[], author: TimelineAuthor): Promise<void> {
    if (!entries.length) return;
    await uow.manager.query(TIMELINE_INSERT('$1', '$2', '$3', '$4', '$5'),
      [caseId, entries.map((e) => e[0]), entries.map((e) => e[1]), author.actorId, author.ruleId ?? null]);
  }

  async timeline(caseId: string, page: { limit: number; offset: number }): Promise<{ rows: TimelineRow[]; total: number }> {
    const [rows, [{ n }]] = await Promise.all([
      this.dataSource.query(
        `SELECT id, case_id, kind, message, actor_id, rule_id, created_at FROM case_timeline WHERE case_id = $1
          ORDER BY created_at ASC, id ASC LIMIT ${Number(page.limit)} OFFSET ${Number(page.offset)}`, [caseId]),
      this.dataSource.query('SELECT count(*)::int AS n FROM case_timeline WHERE case_id = $1', [caseId]),
    ]);
    return { rows, total: n };
  }

  /** Open (not CLOSED/ARCHIVED) cases per assignee. */
  async openCaseCounts(userIds: string[], uow?: UnitOfWork): Promise<Map<string, number>> {
    const rows: Array<{ assignee_id: string; n: string }> = await this.db(uow).query(
      `SELECT assignee_id, count(*) AS n FROM cases
        WHERE assignee_id = ANY($1) AND status NOT IN ('CLOSED', 'ARCHIVED') GROUP BY assignee_id`, [userIds]);
    return new Map(rows.map((r) => [r.assignee_id, Number(r.n)]));
  }

  /**
   * Cases matching `predicate` (SQL over `cases c` whose parameters start at $2), with ids after `afterId`,
   * in id order: keyset pages, never all cases in memory.
   */
  pageMatching(predicate: SqlFragment, afterId: string, limit: number, executor?: Executor): Promise<Array<{ id: string; case_number: string }>> {
    return this.db(executor).query(
      `SELECT c.id, c.case_number FROM cases c WHERE ${predicate.sql} AND c.id > $1 ORDER BY c.id LIMIT ${Number(limit)}`,
      [afterId, ...predicate.params]);
  }

  /** How many cases satisfy `predicate` (SQL over `cases c`, parameters from $1). */
  async countMatching(predicate: SqlFragment, executor?: Executor): Promise<number> {
    const [row] = await this.db(executor).query(`SELECT count(*)::bigint AS n FROM cases c WHERE ${predicate.sql}`, predicate.params);
    return Number(row.n);
  }

  private db(executor?: Executor): EntityManager {
    return managerOf(executor, this.dataSource.manager);
  }
}
