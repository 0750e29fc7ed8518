import { HttpClient, HttpEvent, HttpParams } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { Observable, map } from 'rxjs';
import type { CaseView, CreateCaseRequest, EvidenceView, ListResult, TimelineView, UpdateCaseRequest } from '../../../../contracts/api';
import { API_BASE } from '../core/api-models';
import { CaseFilters } from './case-filters';

const CASES = `${API_BASE}/cases`;

@Injectable({ providedIn: 'root' })
export class CasesApi {
  private readonly http = inject(HttpClient);

  list(filters: CaseFilters, page: { limit: number; offset: number }): Observable<ListResult<CaseView>> {
    let params = new HttpParams().set('limit', page.limit).set('offset', page.offset);
    for (const [key, value] of Object.entries(filters)) {
      const text = typeof value === 'string' ? value.trim() : '';
      if (text) params = params.set(key, text);
    }
    return this.http.get<ListResult<CaseView>>(CASES, { params });
  }

  get(id: string): Observable<CaseView> {
    return this.http.get<CaseView>(`${CASES}/${encodeURIComponent(id)}`);
  }

  create(request: CreateCaseRequest): Observable<CaseView> {
    return this.http.post<CaseView>(CASES, request);
  }

  update(id: string, changes: UpdateCaseRequest): Observable<CaseView> {
    return this.http.patch<CaseView>(`${CASES}/${encodeURIComponent(id)}`, changes);
  }

  timeline(id: string): Observable<TimelineView[]> {
    return this.http
      .get<ListResult<TimelineView> | TimelineView[]>(`${CASES}/${encodeURIComponent(id)}/timeline`, {
        params: { limit: 200 },
      })
      .pipe(map(itemsOf));
  }

  evidence(id: string): Observable<EvidenceView[]> {
    return this.http
      .get<ListResult<EvidenceView> | EvidenceView[]>(`${CASES}/${encodeURIComponent(id)}/evidence`, { params: { limit: 200 } })
      .pipe(map(itemsOf));
  }

  /** Multipart upload (field `file`, optional `description`) with progress events. */
  uploadEvidence(caseId: string, file: File, description: string): Observable<HttpEvent<EvidenceView>> {
    const body = new FormData();
    body.append('file', file, file.name);
    if (description.trim()) body.append('description', description.trim());
    return this.http.post<EvidenceView>(`${CASES}/${encodeURIComponent(caseId)}/evidence`, body, {
      reportProgress: true,
      observe: 'events',
    });
  }

  evidenceDownloadUrl(evidenceId: string): string {
    return `${API_BASE}/evidence/${encodeURIComponent(evidenceId)}/download`;
  }
}

function itemsOf<T>(res: ListResult<T> | T[]): T[] {
  return Array.isArray(res) ? res : res.items;
}
