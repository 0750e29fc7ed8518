import { randomUUID } from 'node:crypto';
import type { SqlFragment } from '../database/executor';
import type { UnitOfWork } from '../database/unit-of-work';
import { CaseEntity } from './case.entity';
import type { CaseRepository, NewCase, TimelineAuthor, TimelineDraft, TimelineEntryOfCase, TimelineRow } from './case.repository';

/** What one applyUpdate call wrote, for assertions. */
export interface RecordedUpdate { next: CaseEntity; entries: TimelineDraft[]; author: TimelineAuthor; outbox: SqlFragment }

/**
 * CaseRepository in memory, for unit tests of the case rules (no database). Keeps the rows, the timeline
 * and every update as it was asked for; the SQL-only paths (search, pageMatching) are not modelled.
 */
export class InMemoryCaseRepository implements Pick<CaseRepository,
  'find' | 'lockForUpdate' | 'nextCaseNumber' | 'insert' | 'applyUpdate' | 'incrementEvidenceCount' | 'addTimelineEntries' | 'addTimelineEntriesOfCases' | 'timeline' | 'openCaseCounts'> {
  readonly rows = new Map<string, CaseEntity>();
  readonly timelineRows: TimelineRow[] = [];
  readonly updates: RecordedUpdate[] = [];
  private readonly counters = new Map<string, number>();

  /** A stored case, with defaults for what the test does not care about. */
  seed(fields: Partial<CaseEntity> = {}): CaseEntity {
    const at = new Date('2026-01-05T10:00:00.000Z');
    const c = Object.assign(new CaseEntity(), {
      id: randomUUID(), caseNumber: 'FIN-2026-0001', title: 'Vendor payments', description: '', status: 'OPEN', caseType: 'AUDIT',
      scopeCode: 'FIN', severity: 'MEDIUM', assigneeId: null, ownerId: null, tags: [], dueDate: null, evidenceCount: 0,
      createdAt: at, updatedAt: at, closedAt: null,
    } satisfies Partial<CaseEntity>, fields);
    this.rows.set(c.id, c);
    return c;
  }

  async find(id: string): Promise<CaseEntity | null> {
    const c = this.rows.get(id);
    return c ? Object.assign(new CaseEntity(), c, { tags: [...c.tags] }) : null;
  }

  async lockForUpdate(_uow: UnitOfWork, id: string): Promise<boolean> {
    return this.rows.has(id);
  }

  async nextCaseNumber(_uow: UnitOfWork, scopeCode: string, year: number): Promise<number> {
    const key = `${scopeCode}/${year}`;
    const n = (this.counters.get(key) ?? 0) + 1;
    this.counters.set(key, n);
    return n;
  }

  async insert(_uow: UnitOfWork, c: NewCase): Promise<CaseEntity> {
    return this.seed({ ...c, status: 'OPEN', createdAt: new Date(), updatedAt: new Date() });
  }

  async applyUpdate(_uow: UnitOfWork, next: CaseEntity, entries: TimelineDraft[], author: TimelineAuthor, outbox: SqlFragment): Promise<void> {
    this.updates.push({ next: Object.assign(new CaseEntity(), next), entries, author, outbox });
    this.rows.set(next.id, Object.assign(new CaseEntity(), next));
    await this.addTimelineEntries(_uow, next.id, entries, author);
  }

  async incrementEvidenceCount(_uow: UnitOfWork, id: string): Promise<CaseEntity | null> {
    const c = this.rows.get(id);
    if (!c) return null;
    c.evidenceCount++;
    c.updatedAt = new Date();
    return this.find(id);
  }

  async addTimelineEntries(_uow: UnitOfWork, caseId: string, entries: TimelineDraft[], author: TimelineAuthor): Promise<void> {
    for (const [kind, message] of entries) {
      this.timelineRows.push({
        id: randomUUID(), case_id: caseId, kind, message, actor_id: author.actorId, rule_id: author.ruleId ?? null, created_at: new Date(),
      });
    }
  }

  async addTimelineEntriesOfCases(uow: UnitOfWork, entries: TimelineEntryOfCase[]): Promise<void> {
    for (const e of entries) await this.addTimelineEntries(uow, e.caseId, [[e.kind, e.message]], { actorId: e.actorId, ruleId: e.ruleId });
  }

  async timeline(caseId: string, page: { limit: number; offset: number }): Promise<{ rows: TimelineRow[]; total: number }> {
    const rows = this.timelineRows.filter((t) => t.case_id === caseId);
    return { rows: rows.slice(page.offset, page.offset + page.limit), total: rows.length };
  }

  async openCaseCounts(userIds: string[]): Promise<Map<string, number>> {
    const counts = new Map<string, number>();
    for (const c of this.rows.values()) {
      if (c.assigneeId && userIds.includes(c.assigneeId) && c.status !== 'CLOSED' && c.status !== 'ARCHIVED') {
        counts.set(c.assigneeId, (counts.get(c.assigneeId) ?? 0) + 1);
      }
    }
    return counts;
  }
}
