import type { LoggerService, LogLevel } from '@nestjs/common';
import pino, { type DestinationStream, type Logger as Pino } from 'pino';
import pinoPretty from 'pino-pretty';
import { currentRequest } from './request-context';

export type LogFormat = 'json' | 'pretty';
export type AppLogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface LoggerOptions {
  format: LogFormat;
  level: AppLogLevel | 'silent';
  /** Where lines go (default: stdout). Tests pass a file or stream. */
  destination?: DestinationStream | NodeJS.WritableStream;
}

const CLUSTER_WORKER = process.env.INTERNAL_CLUSTER_WORKER === undefined ? undefined : Number(process.env.INTERNAL_CLUSTER_WORKER);

/**
 * The process logger: one JSON object per line (or pino-pretty's text, coloured only on a terminal),
 * each line stamped with the request id and user of the request it was written for.
 */
export function createLogger(options: LoggerOptions): Pino {
  const toTerminal = !options.destination && process.stdout.isTTY === true;
  const destination = options.format === 'pretty'
    ? pinoPretty({
      colorize: toTerminal,
      destination: options.destination ?? 1,
      sync: true,
      translateTime: 'SYS:HH:MM:ss.l',
      ignore: 'pid,hostname,context,worker',
      messageFormat: (log, messageKey) =>
        `${log.worker !== undefined ? `(worker ${String(log.worker)}) ` : ''}${log.context ? `[${String(log.context)}] ` : ''}${String(log[messageKey])}`,
    })
    : (options.destination ?? pino.destination({ dest: 1, sync: true }));
  return pino({
    level: options.level,
    // Under WEB_CONCURRENCY > 1, which of the server processes wrote the line.
    base: CLUSTER_WORKER === undefined ? { pid: process.pid } : { pid: process.pid, worker: CLUSTER_WORKER },
    timestamp: pino.stdTimeFunctions.isoTime,
    // Level names, not numbers: a reader of the file or a log shipper needs no table.
    formatters: { level: (label) => ({ level: label }) },
    mixin: () => {
      const request = currentRequest();
      if (!request) return {};
      return request.userId ? { requestId: request.requestId, userId: request.userId } : { requestId: request.requestId };
    },
  }, destination as DestinationStream);
}

/** The lowest level a Nest-style level list lets through (`['error', 'warn']` → warn). */
export function levelOf(levels: LogLevel[] | false): AppLogLevel | 'silent' {
  if (levels === false || !levels.length) return 'silent';
  if (levels.includes('debug') || levels.includes('verbose')) return 'debug';
  if (levels.includes('log')) return 'info';
  if (levels.includes('warn')) return 'warn';
  return 'error';
}

/** Nest's own lines (and every `new Logger(context)` in the code) through pino. */
export class PinoNestLogger implements LoggerService {
  constructor(readonly pino: Pino) {}

  log(message: unknown, ...rest: unknown[]): void {
    this.write('info', message, rest);
  }

  error(message: unknown, ...rest: unknown[]): void {
    // Nest passes (message, stack, context); a stack is a string with newlines.
    const [stack, context] = rest.length >= 2 ? rest : typeof rest[0] === 'string' && rest[0].includes('\n') ? [rest[0]] : [undefined, rest[0]];
    const fields: Record<string, unknown> = {};
    if (typeof context === 'string') fields.context = context;
    if (typeof stack === 'string' && stack) fields.stack = stack;
    if (message instanceof Error) this.pino.error({ ...fields, err: message }, message.message);
    else this.pino.error(fields, text(message));
  }

  warn(message: unknown, ...rest: unknown[]): void {
    this.write('warn', message, rest);
  }

  debug(message: unknown, ...rest: unknown[]): void {
    this.write('debug', message, rest);
  }

  verbose(message: unknown, ...rest: unknown[]): void {
    this.write('debug', message, rest);
  }

  fatal(message: unknown, ...rest: unknown[]): void {
    this.write('fatal', message, rest);
  }

  setLogLevels(levels: LogLevel[]): void {
    this.pino.level = levelOf(levels);
  }

  private write(level: 'info' | 'warn' | 'debug' | 'fatal', message: unknown, rest: unknown[]): void {
    const context = rest.length && typeof rest[rest.length - 1] === 'string' ? (rest[rest.length - 1] as string) : undefined;
    const fields: Record<string, unknown> = context ? { context } : {};
    if (message !== null && typeof message === 'object' && !(message instanceof Error)) this.pino[level]({ ...fields, ...(message as object) });
    else this.pino[level](fields, text(message));
  }
}

function text(message: unknown): string {
  if (message instanceof Error) return message.message;
  return typeof message === 'string' ? message : JSON.stringify(message);
}
