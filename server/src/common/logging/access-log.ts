import type { NextFunction, Request, Response } from 'express';
import type { Logger as Pino } from 'pino';
import { requestIdOf } from '../request-id.middleware';

/** The route pattern that served a request (`/api/v1/cases/:id`), never the raw URL with its ids and query. */
export function routeOf(req: Request): string {
  const pattern = (req as Request & { route?: { path?: string } }).route?.path;
  if (typeof pattern === 'string') return (req.baseUrl ?? '') + pattern;
  // No route matched: the console's static files, 404s and what the body parsers refused.
  if (req.path.startsWith('/api/')) return 'unmatched';
  return req.path.startsWith('/socket.io') ? '/socket.io' : 'static';
}

export type RequestObserver = (method: string, route: string, status: number, seconds: number) => void;

/** One `access` line per request, written when the response has gone (or the client went away); `observe` feeds metrics. */
export function accessLog(logger: Pino, observe?: RequestObserver) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const started = process.hrtime.bigint();
    let written = false;
    const write = () => {
      if (written) return;
      written = true;
      const user = (req as Request & { user?: { id?: string } }).user;
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      // 499: the client went away before an answer (nginx's convention).
      const status = res.headersSent ? res.statusCode : 499;
      const route = routeOf(req);
      observe?.(req.method, route, status, seconds);
      logger.info({
        access: true, requestId: requestIdOf(req), userId: user?.id ?? null, method: req.method, route, status,
        durationMs: Math.round(seconds * 1e5) / 100,
      }, 'request');
    };
    res.once('finish', write);
    res.once('close', write);
    next();
  };
}
