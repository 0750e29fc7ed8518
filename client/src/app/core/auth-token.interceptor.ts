import { HttpErrorResponse, HttpInterceptorFn } from '@angular/common/http';
import { inject } from '@angular/core';
import { Router } from '@angular/router';
import { catchError, throwError } from 'rxjs';
import { AuthSession } from '../auth/auth-session';
import { API_BASE } from './api-models';

const LOGIN_URL = `${API_BASE}/auth/login`;

/** Adds the bearer token to API calls; any 401 (except a failed login) ends the session. */
export const authTokenInterceptor: HttpInterceptorFn = (req, next) => {
  const session = inject(AuthSession);
  const router = inject(Router);
  const token = session.token();
  const isApiCall = req.url.startsWith(API_BASE);
  const isLogin = req.url.startsWith(LOGIN_URL);

  const authorised =
    token && isApiCall && !isLogin ? req.clone({ setHeaders: { Authorization: `Bearer ${token}` } }) : req;

  return next(authorised).pipe(
    catchError((error: unknown) => {
      if (error instanceof HttpErrorResponse && error.status === 401 && !isLogin) {
        const returnUrl = router.url.startsWith('/login') ? undefined : router.url;
        session.clear();
        void router.navigate(['/login'], { queryParams: returnUrl ? { returnUrl } : {} });
      }
      return throwError(() => error);
    }),
  );
};
