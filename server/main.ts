import 'reflect-metadata';
import type { LoggerService } from '@nestjs/common';
import { existsSync } from 'node:fs';

/** A graceful stop must be done by then; an orchestrator's own grace period (Kubernetes: 30 s) is longer. */
const STOP_DEADLINE_MS = 9_000;

// Settings in ./.env (KEY=value lines) fill in what the real environment leaves unset; they never override it.
if (existsSync('.env')) process.loadEnvFile('.env');

// The stop handlers come first: a SIGTERM during start-up (while the embedded PostgreSQL starts or the
// migrations run) must stop what was started rather than kill the process with its database still running.
const stopRequested = new AbortController();
/** The running server: one process's app, or (WEB_CONCURRENCY > 1, ENGINE_PROCESS=separate) the supervisor of its workers. */
let server: { close(): Promise<void> } | undefined;
let stopping = false;
/** Whether start-up has begun starting the embedded PostgreSQL: before that, a stop has nothing to clean up. */
let postgresStarting = false;
// Nest's Logger, which writes through the process logger (JSON or pretty) once startServer has set it up.
let logger: LoggerService | undefined;

async function stop(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  stopRequested.abort();
  const force = setTimeout(() => {
    const message = `${signal}: still stopping after ${STOP_DEADLINE_MS / 1000} s; exiting anyway`;
    if (logger) logger.error(message);
    else process.stderr.write(message + '\n');
    process.exit(1);
  }, STOP_DEADLINE_MS);
  force.unref();
  if (!server && !postgresStarting) process.exit(0);
  if (!server) return; // still starting: main() sees the abort, stops PostgreSQL and exits
  logger?.log(`${signal}: shutting down`);
  await server.close();
  process.exit(0);
}

process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));

/** Set when a WEB_CONCURRENCY supervisor started this process as one of its workers. */
const clusterWorker = process.env.INTERNAL_CLUSTER_WORKER === undefined ? undefined : Number(process.env.INTERNAL_CLUSTER_WORKER);
// A worker whose supervisor died (SIGKILL) must not keep serving, nor holding database connections.
if (clusterWorker !== undefined) process.on('disconnect', () => void stop('supervisor gone'));

async function main(): Promise<void> {
  // Loaded after the handlers are in place: loading Nest and the app takes seconds on a busy machine, and a SIGTERM
  // then must not kill us.
  const { Logger } = await import('@nestjs/common');
  logger = new Logger('Main');
  const { supervisesWorkers } = await import('./src/config/app-config');
  if (supervisesWorkers(process.env)) {
    const { startSupervisor } = await import('./src/cluster/supervisor');
    const supervisor = await startSupervisor({
      signal: stopRequested.signal, onEmbeddedStart: () => { postgresStarting = true; }, workerEntry: process.argv[1],
    });
    server = supervisor;
    if (stopRequested.signal.aborted) {
      await supervisor.close();
      process.exit(0);
    }
    const engine = supervisor.engineProcess ? ' and a separate engine process' : '';
    logger.log(`AuditCaseOS listening on ${supervisor.url} with ${supervisor.workers} server processes${engine} (console /, API /api/v1, docs /api/docs)`);
    return;
  }
  const { startServer } = await import('./src/bootstrap');
  const started = await startServer({ signal: stopRequested.signal, onEmbeddedStart: () => { postgresStarting = true; }, clusterWorker });
  server = started;
  if (stopRequested.signal.aborted) {
    // The stop arrived between the last start-up step and this line.
    await started.close();
    process.exit(0);
  }
  if (clusterWorker !== undefined) {
    const { WORKER_READY } = await import('./src/cluster/supervisor');
    process.send?.({ type: WORKER_READY });
    return;
  }
  logger.log(`AuditCaseOS listening on ${started.url} (console /, API /api/v1, docs /api/docs)`);
}

main().catch(async (error) => {
  const { StartAborted } = await import('./src/bootstrap');
  const { ConfigError } = await import('./src/config/app-config');
  if (error instanceof StartAborted) process.exit(0);
  if (error instanceof ConfigError) {
    logger?.error(error.message);
    process.exit(78);
  }
  logger?.error(`failed to start: ${(error as Error)?.message}`, (error as Error)?.stack);
  process.exit(1);
});
