import { HttpErrorResponse } from '@angular/common/http';
import type { ApiErrorBody } from '../../../../contracts/api';

/** The messages of a failed request, as a list (the server sends a string or a string[]). */
export function errorMessages(error: unknown): string[] {
  if (error instanceof HttpErrorResponse) {
    // Usually the API's error body; a proxy in between may answer with text or HTML instead.
    const body = error.error as Partial<ApiErrorBody> | string | null;
    if (body && typeof body === 'object') {
      const message = body.message;
      if (Array.isArray(message)) return message.map(String);
      if (typeof message === 'string' && message) return [message];
    }
    if (typeof body === 'string' && body.trim() && !body.trim().startsWith('<')) return [body.trim()];
    if (error.status === 0) return ['The server could not be reached. Check your connection.'];
    return [`${error.status} ${error.statusText || 'Request failed'}`];
  }
  if (error instanceof Error) return [error.message];
  return ['Something went wrong.'];
}

/** One line describing a failed request, for snackbars. */
export function errorText(error: unknown): string {
  return errorMessages(error).join(' · ');
}

export function httpStatus(error: unknown): number | null {
  return error instanceof HttpErrorResponse ? error.status : null;
}
