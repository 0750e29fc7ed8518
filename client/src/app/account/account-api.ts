import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import type { Observable } from 'rxjs';
import type { ChangePasswordRequest } from '../../../../contracts/api';
import { API_BASE } from '../core/api-models';

@Injectable({ providedIn: 'root' })
export class AccountApi {
  private readonly http = inject(HttpClient);

  changePassword(body: ChangePasswordRequest): Observable<unknown> {
    return this.http.post(`${API_BASE}/auth/change-password`, body);
  }
}
