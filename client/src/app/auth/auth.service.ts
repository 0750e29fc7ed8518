import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { Router } from '@angular/router';
import { Observable, catchError, finalize, map, of, tap } from 'rxjs';
import type { AuthProviders, DemoAccount, DemoAccountList, LoginResponse, UserView } from '../../../../contracts/api';
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

  /** Which sign-in the server offers; on failure, passwords only (the server still decides). */
  providers(): Observable<AuthProviders> {
    return this.http.get<AuthProviders>(`${API_BASE}/auth/providers`).pipe(catchError(() => of<AuthProviders>({ local: true, oidc: null })));
  }

  /** The demo accounts the login page lists (none unless the server loaded demo data). */
  demoAccounts(): Observable<DemoAccount[]> {
    return this.http.get<DemoAccountList>(`${API_BASE}/auth/demo-accounts`).pipe(map((list) => list.items), catchError(() => of<DemoAccount[]>([])));
  }

  /** A token from single sign-on: who it belongs to is asked with the token itself, then it is kept like a login's. */
  adoptToken(accessToken: string): Observable<UserView> {
    return this.http.get<UserView>(`${API_BASE}/auth/me`, { headers: { Authorization: `Bearer ${accessToken}` } }).pipe(
      tap((user) => this.session.start(accessToken, user)),
    );
  }

  /** Re-reads the signed-in user (role or name may have changed since login). */
  refreshCurrentUser(): Observable<UserView> {
    return this.http.get<UserView>(`${API_BASE}/auth/me`).pipe(tap((user) => this.session.updateUser(user)));
  }

  /** Ends the token on the server first (CONTRACT §10), then forgets it here whatever the server said. */
  logout(): void {
    const forget = () => {
      this.session.clear();
      void this.router.navigate(['/login']);
    };
    if (!this.session.token()) return forget();
    this.http.post(`${API_BASE}/auth/logout`, {}).pipe(catchError(() => of(null)), finalize(forget)).subscribe();
  }

  /** Ends every session of this user, this one included. */
  logoutEverywhere(): Observable<unknown> {
    return this.http.post(`${API_BASE}/auth/logout-all`, {}).pipe(finalize(() => {
      this.session.clear();
      void this.router.navigate(['/login']);
    }));
  }
}
