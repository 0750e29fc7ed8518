import { HttpClient, HttpParams, HttpResponse } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { Observable, map } from 'rxjs';
import type { ListResult } from '../../../../contracts/api';
import type {
  BacktestResult, CronPreview, DeadLetterView, RuleBody, RuleTemplate, StatsBucket, StatsRange, WorkflowStatsTimeline,
} from '../../../../contracts/workflows';
import { API_BASE } from '../core/api-models';
import {
  DryRunRequest,
  DryRunResult,
  HistoryEntry,
  RuleRequest,
  RuleRevision,
  TraceEntry,
  WorkflowEvent,
  WorkflowMeta,
  WorkflowRule,
  WorkflowStats,
} from './workflow.models';

const BASE = `${API_BASE}/workflows`;

/** GET /workflows/events/:id/trace: the event, and one entry per rule that existed then. */
export interface EventTrace {
  event: WorkflowEvent | null;
  items: TraceEntry[];
}
const id = encodeURIComponent;

/** A rule with the revision it was read or saved at (its ETag, e.g. `"7"`): what a save of an edit started from. */
export interface RuleAtRevision {
  rule: WorkflowRule;
  etag: string | null;
}

function atRevision(response: HttpResponse<WorkflowRule>): RuleAtRevision {
  return { rule: response.body!, etag: response.headers.get('ETag') };
}

export type HistoryOutcome = 'success' | 'failed' | 'skipped' | '';

export interface HistoryFilters {
  ruleId?: string;
  caseId?: string;
  outcome?: HistoryOutcome;
  from?: string;
  to?: string;
  /** Exact case number (the server ignores its case). */
  caseNumber?: string;
  /** Rule name contains, case-insensitive. */
  q?: string;
}

/** Query parameters for GET /workflows/history. */
export interface RulePageQuery {
  limit: number;
  offset: number;
  q?: string;
  triggerType?: string;
  isEnabled?: boolean;
}

export function historyParams(filters: HistoryFilters, page: { limit: number; offset: number }): HttpParams {
  return historyFilterParams(filters, new HttpParams().set('limit', page.limit).set('offset', page.offset));
}

/** The filter part alone: what GET /workflows/history/export takes. */
export function historyFilterParams(filters: HistoryFilters, start = new HttpParams()): HttpParams {
  let params = start;
  if (filters.caseNumber?.trim()) params = params.set('caseNumber', filters.caseNumber.trim());
  if (filters.q?.trim()) params = params.set('q', filters.q.trim());
  if (filters.ruleId) params = params.set('ruleId', filters.ruleId);
  if (filters.caseId?.trim()) params = params.set('caseId', filters.caseId.trim());
  // Skipped runs (COOLDOWN / MAX_DEPTH) are their own outcome: ?skipped=true; the others exclude them.
  if (filters.outcome === 'success') params = params.set('success', 'true').set('skipped', 'false');
  if (filters.outcome === 'failed') params = params.set('success', 'false').set('skipped', 'false');
  if (filters.outcome === 'skipped') params = params.set('skipped', 'true');
  if (filters.from) params = params.set('from', filters.from);
  if (filters.to) params = params.set('to', filters.to);
  return params;
}

@Injectable({ providedIn: 'root' })
export class WorkflowsApi {
  private readonly http = inject(HttpClient);

  meta(): Observable<WorkflowMeta> {
    return this.http.get<WorkflowMeta>(`${BASE}/meta`);
  }

  /** Every rule as portable JSON (no ids): what `importRules` takes back. */
  exportRules(): Observable<unknown> {
    return this.http.get<unknown>(`${BASE}/rules/export`);
  }

  /** Validated like the API and all or nothing: 400 names the bad rule, 409 names existing names. */
  importRules(file: unknown): Observable<{ items: WorkflowRule[]; total: number }> {
    return this.http.post<{ items: WorkflowRule[]; total: number }>(`${BASE}/rules/import`, file);
  }

  /** One page of rules, filtered on the server (`q`: name contains, any case), by priority then age. */
  rulePage(query: RulePageQuery): Observable<ListResult<WorkflowRule>> {
    let params = new HttpParams().set('limit', query.limit).set('offset', query.offset);
    if (query.q?.trim()) params = params.set('q', query.q.trim());
    if (query.triggerType) params = params.set('triggerType', query.triggerType);
    if (query.isEnabled !== undefined) params = params.set('isEnabled', query.isEnabled);
    return this.http.get<ListResult<WorkflowRule>>(`${BASE}/rules`, { params });
  }

  rules(): Observable<WorkflowRule[]> {
    return this.http
      .get<ListResult<WorkflowRule> | WorkflowRule[]>(`${BASE}/rules`, { params: { limit: 200 } })
      .pipe(map((res) => (Array.isArray(res) ? res : res.items)));
  }

  /** The rule and its ETag (the editor saves against it). */
  rule(ruleId: string): Observable<RuleAtRevision> {
    return this.http.get<WorkflowRule>(`${BASE}/rules/${id(ruleId)}`, { observe: 'response' }).pipe(map(atRevision));
  }

  createRule(request: RuleRequest): Observable<RuleAtRevision> {
    return this.http.post<WorkflowRule>(`${BASE}/rules`, request, { observe: 'response' }).pipe(map(atRevision));
  }

  /**
   * Saves an edited rule and all its actions at once (one transaction, one revision). With `etag`, a rule
   * someone else saved in the meantime is refused with 412 instead of being overwritten.
   */
  replaceRule(ruleId: string, request: RuleRequest, etag: string | null): Observable<RuleAtRevision> {
    const headers: Record<string, string> = etag ? { 'If-Match': etag } : {};
    return this.http
      .put<WorkflowRule>(`${BASE}/rules/${id(ruleId)}`, request, { headers, observe: 'response' })
      .pipe(map(atRevision));
  }

  deleteRule(ruleId: string): Observable<void> {
    return this.http.delete<void>(`${BASE}/rules/${id(ruleId)}`);
  }

  /** Ends a pause of the circuit breaker (409 when the rule is not paused). */
  resumeRule(ruleId: string): Observable<WorkflowRule> {
    return this.http.post<WorkflowRule>(`${BASE}/rules/${id(ruleId)}/resume`, {});
  }

  /** Ready-made rules; each `rule` is a draft body for createRuleFromBody. */
  templates(): Observable<RuleTemplate[]> {
    return this.http.get<RuleTemplate[]>(`${BASE}/templates`);
  }

  /** POST /workflows/rules with a body as the API takes it (a template's), not as the editor builds it. */
  createRuleFromBody(body: RuleBody): Observable<WorkflowRule> {
    return this.http.post<WorkflowRule>(`${BASE}/rules`, body);
  }

  deadLetters(page: { limit: number; offset: number }): Observable<ListResult<DeadLetterView>> {
    return this.http.get<ListResult<DeadLetterView>>(`${BASE}/dead-letters`, { params: { limit: page.limit, offset: page.offset } });
  }

  retryDeadLetter(eventId: string): Observable<DeadLetterView> {
    return this.http.post<DeadLetterView>(`${BASE}/dead-letters/${id(eventId)}/retry`, {});
  }

  dismissDeadLetter(eventId: string): Observable<DeadLetterView> {
    return this.http.post<DeadLetterView>(`${BASE}/dead-letters/${id(eventId)}/dismiss`, {});
  }

  toggleRule(ruleId: string): Observable<WorkflowRule> {
    return this.http.post<WorkflowRule>(`${BASE}/rules/${id(ruleId)}/toggle`, {});
  }

  dryRun(ruleId: string, request: DryRunRequest): Observable<DryRunResult> {
    return this.http.post<DryRunResult>(`${BASE}/rules/${id(ruleId)}/test`, request);
  }

  /** The schedule in words and its next five runs, as the server's scheduler computes them (400 when invalid). */
  cronPreview(cron: string, timeZone: string): Observable<CronPreview> {
    return this.http.get<CronPreview>(`${BASE}/cron-preview`, { params: { cron, timeZone } });
  }

  /**
   * What a rule would have done over the recorded events of the last `days` days: a saved rule by id, or the
   * editor's body. With a `progressId` the server pushes `workflow:backtest-progress` to this user's sockets.
   */
  backtest(target: { ruleId: string } | { rule: RuleRequest }, days: number, progressId?: string): Observable<BacktestResult> {
    return this.http.post<BacktestResult>(`${BASE}/rules/backtest`, { ...target, days, ...(progressId ? { progressId } : {}) });
  }

  /** The dry run of the rule as it is in the editor, saved or not (nothing is stored). */
  dryRunDraft(rule: RuleRequest, request: DryRunRequest): Observable<DryRunResult> {
    return this.http.post<DryRunResult>(`${BASE}/rules/test`, { ...request, rule });
  }

  revisions(ruleId: string): Observable<RuleRevision[]> {
    return this.http
      .get<ListResult<RuleRevision> | RuleRevision[]>(`${BASE}/rules/${id(ruleId)}/revisions`, { params: { limit: 200 } })
      .pipe(map((res) => (Array.isArray(res) ? res : res.items)));
  }

  restoreRevision(ruleId: string, revision: number): Observable<WorkflowRule> {
    return this.http.post<WorkflowRule>(`${BASE}/rules/${id(ruleId)}/revisions/${revision}/restore`, {});
  }

  /** Every run matching the filters as CSV (the server streams it; the browser saves it as a file). */
  exportHistory(filters: HistoryFilters): Observable<Blob> {
    return this.http.get(`${BASE}/history/export`, { params: historyFilterParams(filters), responseType: 'blob' });
  }

  history(filters: HistoryFilters, page: { limit: number; offset: number }): Observable<ListResult<HistoryEntry>> {
    return this.http.get<ListResult<HistoryEntry>>(`${BASE}/history`, { params: historyParams(filters, page) });
  }

  retry(historyId: string): Observable<HistoryEntry> {
    return this.http.post<HistoryEntry>(`${BASE}/history/${id(historyId)}/retry`, {});
  }

  /** Dashboard numbers for the history page (ADMIN). */
  stats(): Observable<WorkflowStats> {
    return this.http.get<WorkflowStats>(`${BASE}/stats`);
  }

  /** The ops dashboard's charts (ADMIN): runs per bucket, the rules failing most, backlogs over time. */
  timeline(range: StatsRange, bucket: StatsBucket): Observable<WorkflowStatsTimeline> {
    return this.http.get<WorkflowStatsTimeline>(`${BASE}/stats/timeline`, { params: { range, bucket } });
  }

  events(caseId: string, limit = 50): Observable<WorkflowEvent[]> {
    return this.http
      .get<ListResult<WorkflowEvent> | WorkflowEvent[]>(`${BASE}/events`, { params: { caseId, limit } })
      .pipe(map((res) => (Array.isArray(res) ? res : res.items)));
  }

  trace(eventId: string): Observable<EventTrace> {
    return this.http
      .get<EventTrace | TraceEntry[]>(`${BASE}/events/${id(eventId)}/trace`)
      .pipe(map((res) => (Array.isArray(res) ? { event: null, items: res } : { event: res.event ?? null, items: res.items })));
  }
}
