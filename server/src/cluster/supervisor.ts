import { Logger } from '@nestjs/common';
import { fork, type ChildProcess } from 'node:child_process';
import { createServer, type Server, type Socket } from 'node:net';
import { loggerAndConfig, prepareDatabase, StartAborted, type StartOptions } from '../bootstrap';
import type { RunningPostgres } from '../database/embedded-postgres';
import type { ClusterRole } from '../config/app-config';
import { OUTBOX_COMMITTED_MESSAGE } from '../events/engine-wake.relay';
import { isTakenConnection, type HandedConnection } from './handed-connections';
import { relayMetrics } from './metrics-relay';
import { workerOfRequest } from './session-routing';

/** The message a worker sends once it serves requests. */
export const WORKER_READY = 'acos:ready';

export interface SupervisorOptions extends StartOptions {
  /** The script a worker runs (the compiled main.js). */
  workerEntry: string;
  /** How long a worker that exits unexpectedly waits before it is started again (doubles while it keeps failing). */
  restartDelayMs?: number;
}

export interface RunningSupervisor {
  url: string;
  /** Processes taking requests. */
  workers: number;
  /** Whether one more process runs the engine and the schedules (ENGINE_PROCESS=separate). */
  engineProcess: boolean;
  /** Stops taking connections, stops the workers (each drains as a single process does), then the database. */
  close(): Promise<void>;
}

interface WorkerSlot {
  index: number;
  /** `web` takes connections; `engine` (ENGINE_PROCESS=separate) takes none and runs the background work. */
  role: ClusterRole;
  child?: ChildProcess;
  ready: boolean;
  /** Consecutive exits before becoming ready: the restart delay grows with them. */
  failures: number;
  /**
   * Connections sent to this worker that it has not confirmed yet. The supervisor keeps its copy of each socket
   * open until then: a worker that dies before taking one would otherwise leave its client waiting forever.
   */
  handed: Map<number, Socket>;
}

const UNAVAILABLE = 'HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: 29\r\n\r\nno server process is ready.\r\n';
/** A worker that exits more often than this many times in a row before serving is given up (bad build, bad config). */
const MAX_START_FAILURES = 5;

/**
 * Stops this process reading a connection it is about to hand over. `socket.pause()` is not enough: it only stops
 * 'data' events, and the stream reads ahead into its buffer (after every chunk it asks for more), so a WebSocket
 * client's first frame, sent as soon as the worker has answered the upgrade, would land here and never reach the
 * worker. So the descriptor stops being read, and the stream is given nothing to ask for more with.
 */
function stopReading(socket: Socket): void {
  socket.pause();
  (socket as unknown as { _read: () => void })._read = () => undefined;
  const handle = (socket as unknown as { _handle?: { reading?: boolean; readStop(): number } })._handle;
  if (handle?.reading) {
    handle.reading = false;
    handle.readStop();
  }
}

/**
 * WEB_CONCURRENCY above 1: this process starts the embedded PostgreSQL (if there is one) and applies the migrations
 * once, forks N workers on that database, and hands each incoming connection to one of them — round robin, except
 * that a Socket.IO long-polling session's requests go back to the worker holding it. Sockets, schedules and the
 * outbox work across the workers exactly as across machines (PostgreSQL socket adapter, row and advisory locks).
 * ENGINE_PROCESS=separate adds one worker that takes no connections and runs the engine and the schedules, which the
 * request workers then leave alone; their commit wakes are passed on to it.
 */
export async function startSupervisor(options: SupervisorOptions): Promise<RunningSupervisor> {
  const { config } = loggerAndConfig(options);
  const logger = new Logger('Supervisor');
  const env = options.env ?? process.env;
  let embedded: RunningPostgres | undefined;
  let listener: Server | undefined;
  let stopping = false;
  const separateEngine = config.engineProcess === 'separate';
  const newSlot = (index: number, role: ClusterRole): WorkerSlot => ({ index, role, ready: false, failures: 0, handed: new Map<number, Socket>() });
  const webSlots: WorkerSlot[] = Array.from({ length: config.webConcurrency }, (_, index) => newSlot(index, 'web'));
  const engineSlot = separateEngine ? newSlot(webSlots.length, 'engine') : undefined;
  const slots: WorkerSlot[] = engineSlot ? [...webSlots, engineSlot] : webSlots;
  let connectionIds = 0;
  let nextTurn = 0;
  let failStart: ((error: Error) => void) | undefined;

  const workerEnv = (databaseUrl: string, worker: WorkerSlot): NodeJS.ProcessEnv => ({
    ...env,
    // The workers run on the database started here and see the data folder and demo choice made here.
    DATABASE_URL: databaseUrl, DATA_DIR: config.dataDir, DEMO_DATA: String(config.demoData),
    SOCKET_ADAPTER: 'postgres', WEB_CONCURRENCY: '1', INTERNAL_CLUSTER_WORKER: String(worker.index), INTERNAL_CLUSTER_ROLE: worker.role,
    // Beside a separate engine process, the request processes leave the outbox and the schedules to it.
    ...(separateEngine && worker.role === 'web' ? { OUTBOX_DISPATCHER: 'false', SCHEDULER: 'false' } : {}),
  });

  const metrics = relayMetrics(() => slots.filter((slot) => slot.ready && slot.child).map((slot) => slot.child!));

  const startWorker = (slot: WorkerSlot, databaseUrl: string) => {
    const child = fork(options.workerEntry, [], { env: workerEnv(databaseUrl, slot), execArgv: process.execArgv, stdio: 'inherit' });
    slot.child = child;
    slot.ready = false;
    child.on('message', (message: unknown) => {
      metrics(child, message);
      if ((message as { type?: string })?.type === OUTBOX_COMMITTED_MESSAGE) {
        if (engineSlot?.child?.connected) engineSlot.child.send({ type: OUTBOX_COMMITTED_MESSAGE });
        return;
      }
      if (isTakenConnection(message)) {
        slot.handed.get(message.id)?.destroy();
        slot.handed.delete(message.id);
        return;
      }
      if ((message as { type?: string })?.type !== WORKER_READY) return;
      slot.ready = true;
      slot.failures = 0;
      logger.log(`${slot.role === 'engine' ? 'engine process' : 'worker'} ${slot.index} (pid ${child.pid}) is ready`);
      checkAllReady?.();
    });
    child.on('exit', (code, signal) => {
      slot.ready = false;
      slot.child = undefined;
      // Closing the last copy of these sockets ends their connections: their clients see an error, not silence.
      for (const socket of slot.handed.values()) socket.destroy();
      slot.handed.clear();
      if (stopping) return;
      slot.failures++;
      const why = signal ? `signal ${signal}` : `code ${code}`;
      if (slot.failures > MAX_START_FAILURES || !listener) {
        const error = new Error(`worker ${slot.index} exited (${why}) ${listener ? `${slot.failures} times in a row` : 'while starting'}`);
        if (failStart) failStart(error);
        else logger.error(`${error.message}; giving up on it`);
        return;
      }
      const delay = (options.restartDelayMs ?? 1000) * 2 ** (slot.failures - 1);
      logger.error(`worker ${slot.index} exited (${why}); starting it again in ${delay} ms`);
      setTimeout(() => { if (!stopping) startWorker(slot, databaseUrl); }, delay).unref();
    });
  };
  let checkAllReady: (() => void) | undefined;

  const route = (socket: Socket) => {
    socket.on('error', () => socket.destroy());
    socket.once('data', (head: Buffer) => {
      stopReading(socket);
      const target = chooseWorker(workerOfRequest(head.toString('latin1')));
      if (!target?.child) {
        socket.end(UNAVAILABLE);
        return;
      }
      const message: HandedConnection = { type: 'acos:connection', id: ++connectionIds, head: head.toString('latin1') };
      target.handed.set(message.id, socket);
      target.child.send(message, socket, { keepOpen: true }, (error) => {
        if (!error) return;
        target.handed.delete(message.id);
        socket.destroy();
      });
    });
    socket.resume();
  };

  const chooseWorker = (sessionWorker: number | null): WorkerSlot | undefined => {
    if (sessionWorker !== null && webSlots[sessionWorker]?.ready) return webSlots[sessionWorker];
    for (let i = 0; i < webSlots.length; i++) {
      const candidate = webSlots[(nextTurn + i) % webSlots.length];
      if (candidate.ready) {
        nextTurn = (candidate.index + 1) % webSlots.length;
        return candidate;
      }
    }
    return undefined;
  };

  const stopWorkers = async () => {
    const exits = slots.map((slot) => new Promise<void>((resolve) => {
      const child = slot.child;
      if (!child || child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    }));
    await Promise.all(exits);
  };

  try {
    const database = await prepareDatabase(config, options);
    embedded = database.embedded;
    await new Promise<void>((resolve, reject) => {
      failStart = reject;
      checkAllReady = () => { if (slots.every((slot) => slot.ready)) resolve(); };
      options.signal?.addEventListener('abort', () => reject(new StartAborted()), { once: true });
      for (const slot of slots) startWorker(slot, database.databaseUrl);
    });
    failStart = undefined;
    listener = createServer({ pauseOnConnect: true }, route);
    await new Promise<void>((resolve, reject) => {
      listener!.once('error', reject);
      listener!.listen(config.port, config.host, () => resolve());
    });
  } catch (error) {
    stopping = true;
    listener?.close();
    await stopWorkers();
    await embedded?.stop();
    throw error;
  }

  const address = listener.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`,
    workers: webSlots.length,
    engineProcess: separateEngine,
    close: () => (closing ??= (async () => {
      stopping = true;
      listener?.close();
      await stopWorkers();
      await embedded?.stop();
    })()),
  };
}
