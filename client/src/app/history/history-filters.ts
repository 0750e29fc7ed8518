import { HistoryFilters, HistoryOutcome } from '../workflows/workflows-api';
import { HistoryEntry } from '../workflows/workflow.models';
import { endOfDayInZone, startOfDayInZone } from '../core/date-time-format';

export function outcomeOf(entry: Pick<HistoryEntry, 'success' | 'skippedReason'>): Exclude<HistoryOutcome, ''> {
  if (entry.skippedReason) return 'skipped';
  return entry.success ? 'success' : 'failed';
}

/** Start of the picked day as ISO, for ?from=: in `timeZone` (the user's display zone) when given, else the browser's. */
export function startOfDayIso(date: Date | null, timeZone?: string): string | undefined {
  if (!date) return undefined;
  if (timeZone) return startOfDayInZone(date.getFullYear(), date.getMonth(), date.getDate(), timeZone);
  return new Date(date.getFullYear(), date.getMonth(), date.getDate()).toISOString();
}

/** End of the picked day as ISO, for ?to=: in `timeZone` when given, else the browser's. */
export function endOfDayIso(date: Date | null, timeZone?: string): string | undefined {
  if (!date) return undefined;
  if (timeZone) return endOfDayInZone(date.getFullYear(), date.getMonth(), date.getDate(), timeZone);
  return new Date(date.getFullYear(), date.getMonth(), date.getDate(), 23, 59, 59, 999).toISOString();
}

/** Whether a row pushed over the socket belongs in the table under these filters. */
export function matchesHistoryFilters(entry: HistoryEntry, filters: HistoryFilters): boolean {
  if (filters.ruleId && entry.ruleId !== filters.ruleId) return false;
  if (filters.caseId?.trim() && entry.caseId !== filters.caseId.trim()) return false;
  if (filters.outcome && outcomeOf(entry) !== filters.outcome) return false;
  if (filters.caseNumber?.trim() && entry.caseNumber.toUpperCase() !== filters.caseNumber.trim().toUpperCase()) return false;
  if (filters.q?.trim() && !entry.ruleName.toLowerCase().includes(filters.q.trim().toLowerCase())) return false;
  const at = Date.parse(entry.createdAt);
  if (filters.from && at < Date.parse(filters.from)) return false;
  if (filters.to && at > Date.parse(filters.to)) return false;
  return true;
}

/** Ids of the runs that a row in `rows` is a retry of. */
export function retriedRunIds(rows: readonly Pick<HistoryEntry, 'retryOf'>[]): ReadonlySet<string> {
  const ids = new Set<string>();
  for (const row of rows) if (row.retryOf) ids.add(row.retryOf);
  return ids;
}
