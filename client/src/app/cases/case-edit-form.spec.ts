import type { CaseView } from '../../../../contracts/api';
import { caseChanges } from './case-edit-form';

const original: CaseView = {
  id: 'c',
  caseNumber: 'FIN-2025-0001',
  title: 't',
  description: '',
  status: 'OPEN',
  caseType: 'AUDIT',
  scopeCode: 'FIN',
  severity: 'LOW',
  assigneeId: 'u1',
  ownerId: null,
  tags: ['a'],
  dueDate: '2025-12-01T00:00:00.000Z',
  createdAt: '',
  updatedAt: '',
  closedAt: null,
};

describe('caseChanges', () => {
  const same = { status: 'OPEN' as const, severity: 'LOW' as const, assigneeId: 'u1', tags: ['a'], dueDate: new Date(2025, 11, 1) };

  it('sends nothing when nothing changed', () => {
    expect(caseChanges(original, same)).toEqual({});
  });

  it('sends only what changed; unassigning and clearing the due date send null', () => {
    expect(caseChanges(original, { ...same, status: 'CLOSED', assigneeId: '', dueDate: null, tags: ['a', 'b'] })).toEqual({
      status: 'CLOSED',
      assigneeId: null,
      dueDate: null,
      tags: ['a', 'b'],
    });
    expect(caseChanges(original, { ...same, dueDate: new Date(2026, 0, 15) })).toEqual({
      dueDate: '2026-01-15T00:00:00.000Z',
    });
  });
});
