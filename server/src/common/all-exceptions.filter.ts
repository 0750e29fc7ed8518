import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { STATUS_CODES } from 'node:http';
import { QueryFailedError } from 'typeorm';
import { isUniqueViolation } from '../database/sql-errors';
import { requestIdOf } from './request-id.middleware';

const PG_INVALID_TEXT = '22P02';
const PG_FOREIGN_KEY = '23503';
const PG_CHECK = '23514';
const PG_VALUE_TOO_LONG = '22001';
const PG_OUT_OF_RANGE = '22003';
const PG_DATETIME = '22008';
/** A NUL (or otherwise unstorable) character in text or jsonb: the client's input, not our fault. */
const PG_BAD_CHARACTER = '22021';
const PG_UNTRANSLATABLE = '22P05';

/** A database that is unreachable, restarting or refusing us: a 503, never a hang. */
export function isDatabaseUnavailable(error: unknown): boolean {
  const e = error as { code?: string; message?: string; name?: string };
  const code = e?.code ?? '';
  const message = e?.message ?? '';
  // When PostgreSQL drops a connection mid-transaction, TypeORM releases its query runner and the transaction's next
  // query throws this instead of a connection error (found by the database-outage chaos test: it was a 500).
  if (e?.name === 'QueryRunnerProviderAlreadyReleasedError' || e?.name === 'QueryRunnerAlreadyReleasedError') return true;
  return ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', '57P01', '57P02', '57P03', '08000', '08003', '08006', '08001', '08004']
    .includes(code)
    || /Connection terminated|timeout exceeded when trying to connect|connect ECONNREFUSED|Client has encountered a connection error|the database system is (shutting down|starting up)/i
      .test(message);
}

/** Every error leaves as `{statusCode, error, message}`; nothing internal leaks. */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const res = ctx.getResponse<Response>();
    const req = ctx.getRequest<Request>();
    const { status, message } = this.describe(exception);
    if (status >= 500 && status !== 503) {
      // The request id (RequestIdMiddleware) is also on the response: a user's report leads straight to this line.
      const id = requestIdOf(req);
      this.logger.error(`${id ? `requestId=${id} ` : ''}${req.method} ${req.originalUrl} failed: ${(exception as Error)?.message}`, (exception as Error)?.stack);
    }
    if (res.headersSent) {
      res.end();
      return;
    }
    res.status(status).json({ statusCode: status, error: STATUS_CODES[status] ?? 'Error', message });
  }

  private describe(exception: unknown): { status: number; message: string | string[] } {
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      // A 5xx's own words (file names, errno codes, ids) are for the log, which has them; the client gets the generic text.
      if (status >= 500 && status !== HttpStatus.SERVICE_UNAVAILABLE) return { status, message: 'Internal server error' };
      const body = exception.getResponse();
      const message = typeof body === 'string' ? body : ((body as { message?: string | string[] }).message ?? exception.message);
      return { status, message };
    }
    const err = exception as { status?: number; statusCode?: number; type?: string; code?: string; message?: string; driverError?: { code?: string; detail?: string } };
    if (exception instanceof QueryFailedError) {
      if (isUniqueViolation(exception)) return { status: 409, message: 'already exists' };
      const code = err.driverError?.code ?? err.code;
      switch (code) {
        case PG_INVALID_TEXT:
        case PG_DATETIME:
        case PG_OUT_OF_RANGE:
        case PG_VALUE_TOO_LONG:
        case PG_CHECK:
          return { status: 400, message: 'invalid value: ' + (err.message ?? '').replace(/^.*?:\s*/, '') };
        case PG_BAD_CHARACTER:
        case PG_UNTRANSLATABLE:
          return { status: 400, message: 'invalid value: text must not contain NUL (\\u0000) characters' };
        case PG_FOREIGN_KEY:
          return { status: 400, message: 'refers to something that does not exist' };
      }
    }
    if (isDatabaseUnavailable(exception)) {
      return { status: HttpStatus.SERVICE_UNAVAILABLE, message: 'The database is unavailable; try again shortly' };
    }
    // body-parser and multer errors carry an HTTP status of their own.
    const status = err?.status ?? err?.statusCode;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      if (err.type === 'entity.parse.failed') return { status: 400, message: 'Malformed JSON body' };
      if (err.type === 'entity.too.large') return { status: 413, message: 'Request body too large' };
      return { status, message: err.message ?? STATUS_CODES[status] ?? 'Bad Request' };
    }
    return { status: 500, message: 'Internal server error' };
  }
}
