import { Logger as NestLogger } from '@nestjs/common';
import type { Logger } from 'typeorm';

/**
 * Errors caused by the client's input, which the API answers with 400/409 (see
 * AllExceptionsFilter) and callers expect: not worth an error log line.
 */
const EXPECTED_CODES = new Set(['23505', '22P02', '22008', '22003', '22001', '22021', '22P05', '23514']);

/**
 * TypeORM's default logger prints a failed query with its parameters, which
 * puts password hashes, emails and case contents in the log. This one logs
 * the query text and the error only.
 */
export class SafeQueryLogger implements Logger {
  private readonly logger = new NestLogger('Database');

  logQuery(): void {}

  logQueryError(error: string | Error, query: string): void {
    const code = (error as { code?: string; driverError?: { code?: string } })?.driverError?.code ?? (error as { code?: string })?.code;
    if (code && EXPECTED_CODES.has(code)) return;
    const message = typeof error === 'string' ? error : error.message;
    this.logger.error(`query failed (${code ?? 'no code'}): ${message} -- ${query.replace(/\s+/g, ' ').slice(0, 500)}`);
  }

  logQuerySlow(time: number, query: string): void {
    this.logger.warn(`slow query (${time} ms): ${query.replace(/\s+/g, ' ').slice(0, 500)}`);
  }

  logSchemaBuild(): void {}

  /** bootstrap.ts logs the migrations it applied. */
  logMigration(): void {}

  log(level: 'log' | 'info' | 'warn', message: unknown): void {
    if (level === 'warn') this.logger.warn(String(message));
  }
}
