import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { Observable, map } from 'rxjs';
import type { CaseView, ListResult, ResetPasswordResponse, UserView } from '../../../../contracts/api';
import type { Role } from '../../../../contracts/enums';
import { API_BASE } from '../core/api-models';

export interface CreateUserRequest { email: string; name: string; role: Role; password: string; scopeCodes: string[] }
export interface UpdateUserRequest { name?: string; role?: Role; isActive?: boolean; scopeCodes?: string[] }

/** The admin side of GET/POST/PATCH /users and POST /users/:id/reset-password (CONTRACT §4, §10). */
@Injectable({ providedIn: 'root' })
export class UsersApi {
  private readonly http = inject(HttpClient);

  list(params: Record<string, string>): Observable<ListResult<UserView>> {
    return this.http.get<ListResult<UserView>>(`${API_BASE}/users`, { params });
  }

  create(body: CreateUserRequest): Observable<UserView> {
    return this.http.post<UserView>(`${API_BASE}/users`, body);
  }

  update(id: string, body: UpdateUserRequest): Observable<UserView> {
    return this.http.patch<UserView>(`${API_BASE}/users/${id}`, body);
  }

  resetPassword(id: string): Observable<ResetPasswordResponse> {
    return this.http.post<ResetPasswordResponse>(`${API_BASE}/users/${id}/reset-password`, {});
  }

  /** Scope codes found on cases (the newest 200 are enough to offer the codes in use). */
  caseScopeCodes(): Observable<string[]> {
    return this.http.get<ListResult<CaseView>>(`${API_BASE}/cases`, { params: { limit: 200 } })
      .pipe(map((res) => res.items.map((c) => c.scopeCode)));
  }
}
