import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { Router } from '@angular/router';
import { Observable, map, tap } from 'rxjs';
import { API_BASE, User } from '../core/api-models';
import { AuthSession } from './auth-session';

interface LoginResponse {
  accessToken: string;
  user: User;
}

@Injectable({ providedIn: 'root' })
export class AuthService {
  private readonly http = inject(HttpClient);
  private readonly session = inject(AuthSession);
  private readonly router = inject(Router);

  login(email: string, password: string): Observable<User> {
    return this.http.post<LoginResponse>(`${API_BASE}/auth/login`, { email, password }).pipe(
      tap((res) => this.session.start(res.accessToken, res.user)),
      map((res) => res.user),
    );
  }

  /** Re-reads the signed-in user (role or name may have changed since login). */
  refreshCurrentUser(): Observable<User> {
    return this.http.get<User>(`${API_BASE}/auth/me`).pipe(tap((user) => this.session.updateUser(user)));
  }

  logout(): void {
    this.session.clear();
    void this.router.navigate(['/login']);
  }
}
