import type { HistoryView } from './history.types';

/** RFC 4180: a field with a comma, a quote or a line break is quoted, quotes inside doubled; records end in CRLF. */
export function csvField(value: unknown): string {
  const text = value === null || value === undefined ? '' : typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvRecord(values: unknown[]): string {
  return `${values.map(csvField).join(',')}\r\n`;
}

const COLUMNS: Array<[string, (h: HistoryView) => unknown]> = [
  ['id', (h) => h.id], ['createdAt', (h) => h.createdAt], ['ruleId', (h) => h.ruleId], ['ruleName', (h) => h.ruleName],
  ['caseId', (h) => h.caseId], ['caseNumber', (h) => h.caseNumber], ['eventId', (h) => h.eventId], ['eventName', (h) => h.eventName],
  ['success', (h) => h.success], ['skippedReason', (h) => h.skippedReason], ['errorMessage', (h) => h.errorMessage],
  ['depth', (h) => h.depth], ['durationMs', (h) => h.durationMs], ['retryOf', (h) => h.retryOf],
  ['actionsExecuted', (h) => h.actionsExecuted],
];

export const HISTORY_CSV_HEADER = csvRecord(COLUMNS.map(([name]) => name));

export function historyCsvRecord(h: HistoryView): string {
  return csvRecord(COLUMNS.map(([, pick]) => pick(h)));
}
