import { HttpErrorResponse, HttpInterceptorFn } from '@angular/common/http';
import { inject } from '@angular/core';
import { MatSnackBar } from '@angular/material/snack-bar';
import { catchError, throwError } from 'rxjs';
import { errorText } from './api-errors';

/**
 * Network failures and 5xx answers are not something a page can fix, so they are announced here once,
 * in a snackbar. 4xx answers are left to the page that made the request (it knows which field is wrong).
 */
export const serverErrorInterceptor: HttpInterceptorFn = (req, next) => {
  const snackBar = inject(MatSnackBar);
  return next(req).pipe(
    catchError((error: unknown) => {
      if (error instanceof HttpErrorResponse && (error.status === 0 || error.status >= 500)) {
        const text =
          error.status === 0
            ? 'The server could not be reached. Check your connection and try again.'
            : `The server failed to answer (${error.status}). ${errorText(error)}`;
        snackBar.open(text, 'Dismiss', { duration: 8000, panelClass: 'toast-standout' });
      }
      return throwError(() => error);
    }),
  );
};
