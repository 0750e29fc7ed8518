import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { Router } from '@angular/router';
import { Observable, map, tap } from 'rxjs';
import type { LoginResponse, UserView } from '../../../../contracts/api';
import { API_BASE } from '../core/api-models';
import { AuthSession } from './auth-session';

@Injectable({ providedIn: 'root' })
export class AuthService {
  private readonly http = inject(HttpClient);
  private readonly session = inject(AuthSession);
  private readonly router = inject(Router);

  login(email: string, password: string): Observable<UserView> {
    return this.http.post<LoginResponse>(`${API_BASE}/auth/login`, { email, password }).pipe(
      tap((res) => this.session.start(res.accessToken, res.user)),
      map((res) => res.user),
    );
  }

  /** Re-reads the signed-in user (role or name may have changed since login). */
  refreshCurrentUser(): Observable<UserView> {
    return this.http.get<UserView>(`${API_BASE}/auth/me`).pipe(tap((user) => this.session.updateUser(user)));
  }

  logout(): void {
    this.session.clear();
    void this.router.navigate(['/login']);
  }
}
