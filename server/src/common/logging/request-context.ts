import { AsyncLocalStorage } from 'node:async_hooks';

/** What every log line written while handling a request knows about that request. */
export interface RequestContext {
  requestId: string;
  /** Set once the auth guard has identified the caller. */
  userId?: string;
}

const storage = new AsyncLocalStorage<RequestContext>();

/** Runs `fn` (the rest of the request's middleware chain) with `context` visible to everything it awaits. */
export function runInRequestContext<T>(context: RequestContext, fn: () => T): T {
  return storage.run(context, fn);
}

/** The context of the request this code runs for, if any (undefined in background work such as the outbox). */
export function currentRequest(): RequestContext | undefined {
  return storage.getStore();
}
