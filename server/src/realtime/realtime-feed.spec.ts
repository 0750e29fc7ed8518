import { describe, expect, it } from '@jest/globals';
import type { CaseView } from '../../../contracts/api';
import type { DomainEvent } from '../events/event-map';
import type { HistoryView } from '../workflows/history/history.types';
import { RealtimeFeed } from './realtime-feed';
import type { SocketOutlet } from './socket-outlet';

const snapshot = {
  id: 'c1', caseNumber: 'FIN-2026-0001', title: 't', description: '', status: 'OPEN' as const, caseType: 'AUDIT' as const, scopeCode: 'FIN',
  severity: 'LOW' as const, assigneeId: null, ownerId: null, tags: [], dueDate: null, evidenceCount: 2, createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z', closedAt: null,
};
const history = { id: 'h1', ruleId: 'r1', ruleName: 'rule', success: true } as HistoryView;

function feedWithRecordingOutlet() {
  const calls: Array<[string, ...unknown[]]> = [];
  const outlet = {
    emit: (to: string[], event: string, payload: unknown) => calls.push(['emit', to, event, payload]),
    caseUpdated: (view: CaseView) => calls.push(['caseUpdated', view]),
    disconnectUser: (userId: string) => calls.push(['disconnectUser', userId]),
  } as unknown as SocketOutlet;
  return { feed: new RealtimeFeed(outlet), calls };
}

describe('RealtimeFeed: committed events in, socket events out', () => {
  it('announces a changed case as the contract\'s case, without internal fields', () => {
    const { feed, calls } = feedWithRecordingOutlet();
    feed.onCaseChanged({ name: 'case.updated', payload: { case: snapshot, previous: {}, changedFields: ['title'] } } as unknown as DomainEvent);
    expect(calls).toHaveLength(1);
    const [kind, view] = calls[0];
    expect(kind).toBe('caseUpdated');
    expect(view).toMatchObject({ id: 'c1', scopeCode: 'FIN' });
    expect(view).not.toHaveProperty('evidenceCount');
  });

  it('sends a recorded run to the admins, and a case:updated only when the run wrote a timeline entry', () => {
    const { feed, calls } = feedWithRecordingOutlet();
    feed.onRunRecorded({ history, timelineWrittenOn: null });
    expect(calls).toEqual([['emit', ['role:ADMIN'], 'workflow:history', history]]);
    calls.length = 0;
    feed.onRunRecorded({ history, timelineWrittenOn: snapshot });
    expect(calls.map((c) => c[0])).toEqual(['emit', 'caseUpdated']);
  });

  it('closes the sockets of a user whose access changed', () => {
    const { feed, calls } = feedWithRecordingOutlet();
    feed.onAccessChanged({ userId: 'u1' });
    expect(calls).toEqual([['disconnectUser', 'u1']]);
  });
});
