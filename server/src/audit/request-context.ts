import { AsyncLocalStorage } from 'node:async_hooks';
import type { NextFunction, Request, Response } from 'express';

const requestContext = new AsyncLocalStorage<{ clientAddress: string | null }>();

/**
 * Remembers the client address (as TRUST_PROXY decides it) for the rest of the request, so an audit entry
 * written deep in a service that only knows its user (rules, webhooks) still names where the change came from.
 */
export function rememberClientAddress(req: Request, _res: Response, next: NextFunction): void {
  requestContext.run({ clientAddress: req.ip ?? null }, next);
}

/** The client address of the request being served, or null outside of one (jobs, seeding). */
export function currentClientAddress(): string | null {
  return requestContext.getStore()?.clientAddress ?? null;
}
