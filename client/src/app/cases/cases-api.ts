import { HttpClient, HttpEvent, HttpParams } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { Observable, map } from 'rxjs';
import { API_BASE, ListResponse } from '../core/api-models';
import { Case, CaseChanges, CaseFilters, Evidence, NewCaseRequest, TimelineEntry } from './case.models';

const CASES = `${API_BASE}/cases`;

@Injectable({ providedIn: 'root' })
export class CasesApi {
  private readonly http = inject(HttpClient);

  list(filters: CaseFilters, page: { limit: number; offset: number }): Observable<ListResponse<Case>> {
    let params = new HttpParams().set('limit', page.limit).set('offset', page.offset);
    for (const [key, value] of Object.entries(filters)) {
      const text = typeof value === 'string' ? value.trim() : '';
      if (text) params = params.set(key, text);
    }
    return this.http.get<ListResponse<Case>>(CASES, { params });
  }

  get(id: string): Observable<Case> {
    return this.http.get<Case>(`${CASES}/${encodeURIComponent(id)}`);
  }

  create(request: NewCaseRequest): Observable<Case> {
    return this.http.post<Case>(CASES, request);
  }

  update(id: string, changes: CaseChanges): Observable<Case> {
    return this.http.patch<Case>(`${CASES}/${encodeURIComponent(id)}`, changes);
  }

  timeline(id: string): Observable<TimelineEntry[]> {
    return this.http
      .get<ListResponse<TimelineEntry> | TimelineEntry[]>(`${CASES}/${encodeURIComponent(id)}/timeline`, {
        params: { limit: 200 },
      })
      .pipe(map(itemsOf));
  }

  evidence(id: string): Observable<Evidence[]> {
    return this.http
      .get<ListResponse<Evidence> | Evidence[]>(`${CASES}/${encodeURIComponent(id)}/evidence`, { params: { limit: 200 } })
      .pipe(map(itemsOf));
  }

  /** Multipart upload (field `file`, optional `description`) with progress events. */
  uploadEvidence(caseId: string, file: File, description: string): Observable<HttpEvent<Evidence>> {
    const body = new FormData();
    body.append('file', file, file.name);
    if (description.trim()) body.append('description', description.trim());
    return this.http.post<Evidence>(`${CASES}/${encodeURIComponent(caseId)}/evidence`, body, {
      reportProgress: true,
      observe: 'events',
    });
  }

  evidenceDownloadUrl(evidenceId: string): string {
    return `${API_BASE}/evidence/${encodeURIComponent(evidenceId)}/download`;
  }
}

function itemsOf<T>(res: ListResponse<T> | T[]): T[] {
  return Array.isArray(res) ? res : res.items;
}
