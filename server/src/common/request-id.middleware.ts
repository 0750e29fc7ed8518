import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { randomUUID } from 'node:crypto';
import { runInRequestContext } from './logging/request-context';

export const REQUEST_ID_HEADER = 'x-request-id';

/** What a client (or a proxy in front of us) may pass as its own request id: a short token, nothing to inject into a log line. */
const SANE_REQUEST_ID = /^[A-Za-z0-9][A-Za-z0-9._:@+=\-/]{0,127}$/;

export function saneRequestId(value: unknown): string | undefined {
  return typeof value === 'string' && SANE_REQUEST_ID.test(value) ? value : undefined;
}

/** The request id of a request that went through RequestIdMiddleware (undefined otherwise). */
export function requestIdOf(req: Request): string | undefined {
  return (req as Request & { requestId?: string }).requestId;
}

/**
 * Every response carries `X-Request-Id`: the client's own when it is a sane
 * token, else a fresh UUID. Error logs name it (AllExceptionsFilter), so a
 * user's report ("request 3f2c… failed") leads to the log line.
 *
 * Mount it first, before helmet and the body parsers, so that even a 413 or a
 * 415 carries the id: `app.use(new RequestIdMiddleware().use)`. The rest of the
 * request runs inside its request context, so every log line written for it —
 * deep in a service included — carries the id (and the user, once known).
 */
@Injectable()
export class RequestIdMiddleware implements NestMiddleware {
  readonly use = (req: Request, res: Response, next: NextFunction): void => {
    const id = saneRequestId(req.headers[REQUEST_ID_HEADER]) ?? randomUUID();
    (req as Request & { requestId?: string }).requestId = id;
    res.setHeader(REQUEST_ID_HEADER, id);
    runInRequestContext({
      requestId: id,
      // Read when a line is written: the auth guard identifies the caller after this middleware ran.
      get userId() { return (req as Request & { user?: { id?: string } }).user?.id; },
    }, next);
  };
}
