import { HistoryEntry } from '../workflows/workflow.models';
import { matchesHistoryFilters, outcomeOf, retriedRunIds } from './history-filters';

const row: HistoryEntry = {
  id: 'h1',
  ruleId: 'r1',
  ruleName: 'Rule',
  caseId: 'c1',
  caseNumber: 'FIN-2025-0001',
  eventId: 'e1',
  eventName: 'case.status_changed',
  triggerData: {},
  actionsExecuted: [],
  success: false,
  errorMessage: 'boom',
  skippedReason: null,
  depth: 0,
  durationMs: 12,
  createdAt: '2025-05-05T10:00:00.000Z',
};

describe('history filters', () => {
  it('derives the outcome', () => {
    expect(outcomeOf(row)).toBe('failed');
    expect(outcomeOf({ success: true, skippedReason: null })).toBe('success');
    expect(outcomeOf({ success: false, skippedReason: 'COOLDOWN' })).toBe('skipped');
    expect(outcomeOf({ success: true, skippedReason: 'MAX_DEPTH' })).toBe('skipped');
  });

  it('matches live rows by case number (any case) and rule name contains, as the server filters them', () => {
    expect(matchesHistoryFilters(row, { caseNumber: 'fin-2025-0001' })).toBe(true);
    expect(matchesHistoryFilters(row, { caseNumber: 'FIN-2025-0002' })).toBe(false);
    expect(matchesHistoryFilters({ ...row, ruleName: 'Escalate CRITICAL' }, { q: 'critical' })).toBe(true);
    expect(matchesHistoryFilters({ ...row, ruleName: 'Escalate CRITICAL' }, { q: 'intake' })).toBe(false);
  });

  it('matches live rows against the active filters', () => {
    expect(matchesHistoryFilters(row, {})).toBe(true);
    expect(matchesHistoryFilters(row, { ruleId: 'r1', caseId: 'c1', outcome: 'failed' })).toBe(true);
    expect(matchesHistoryFilters(row, { ruleId: 'r2' })).toBe(false);
    expect(matchesHistoryFilters(row, { outcome: 'success' })).toBe(false);
    expect(matchesHistoryFilters(row, { from: '2025-05-06T00:00:00.000Z' })).toBe(false);
    expect(matchesHistoryFilters(row, { to: '2025-05-04T23:59:59.999Z' })).toBe(false);
    expect(matchesHistoryFilters(row, { from: '2025-05-05T00:00:00.000Z', to: '2025-05-05T23:59:59.999Z' })).toBe(true);
  });

  it('knows which runs were retried from the rows that are retries', () => {
    expect([...retriedRunIds([])]).toEqual([]);
    expect([...retriedRunIds([{ retryOf: null }, { retryOf: 'h1' }, {}, { retryOf: 'h2' }, { retryOf: 'h1' }])]).toEqual(['h1', 'h2']);
  });
});
