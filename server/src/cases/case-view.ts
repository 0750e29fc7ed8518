import type { CaseSnapshot } from '../events/event-map';
import type { CaseEntity } from './case.entity';
import type { CaseView } from './dto/case.dto';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** The case as events carry it; the repository maps rows to CaseEntity, everything else derives from this. */
export function toSnapshot(c: CaseEntity): CaseSnapshot {
  return {
    id: c.id, caseNumber: c.caseNumber, title: c.title, description: c.description, status: c.status,
    caseType: c.caseType, scopeCode: c.scopeCode, severity: c.severity, assigneeId: c.assigneeId,
    ownerId: c.ownerId, tags: c.tags, dueDate: iso(c.dueDate), evidenceCount: c.evidenceCount,
    createdAt: c.createdAt.toISOString(), updatedAt: c.updatedAt.toISOString(), closedAt: iso(c.closedAt),
  };
}

/** The contract's `case` shape (CONTRACT §5): the snapshot without its internal counter. */
export function toCaseView(c: CaseEntity | CaseSnapshot): CaseView {
  const s = typeof c.createdAt === 'string' ? (c as CaseSnapshot) : toSnapshot(c as CaseEntity);
  return {
    id: s.id, caseNumber: s.caseNumber, title: s.title, description: s.description, status: s.status,
    caseType: s.caseType, scopeCode: s.scopeCode, severity: s.severity, assigneeId: s.assigneeId,
    ownerId: s.ownerId, tags: s.tags, dueDate: s.dueDate, createdAt: s.createdAt, updatedAt: s.updatedAt,
    closedAt: s.closedAt,
  };
}
