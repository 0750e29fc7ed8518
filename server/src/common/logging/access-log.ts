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

/** One `access` line per request, written when the response has gone (or the client went away). */
export function accessLog(logger: Pino) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const started = process.hrtime.bigint();
    let written = false;
    const write = () => {
      if (written) return;
      written = true;
      const user = (req as Request & { user?: { id?: string } }).user;
      logger.info({
        access: true,
        requestId: requestIdOf(req),
        userId: user?.id ?? null,
        method: req.method,
        route: routeOf(req),
        status: res.headersSent ? res.statusCode : 499,
        durationMs: Math.round(Number(process.hrtime.bigint() - started) / 1e4) / 100,
      }, 'request');
    };
    res.once('finish', write);
    res.once('close', write);
    next();
  };
}
