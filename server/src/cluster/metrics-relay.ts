import { randomUUID } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import type { Registry } from 'prom-client';

/**
 * Under WEB_CONCURRENCY > 1 a scrape of /metrics reaches one worker, chosen by the balancer: that worker asks the
 * supervisor for every worker's series and answers with their aggregate (counters and histograms summed; gauges
 * summed, or the maximum for the ones that read the shared database), so Prometheus sees the whole machine.
 */
type MetricsJson = Awaited<ReturnType<Registry['getMetricsAsJSON']>>;

interface CollectRequest { type: 'acos:metrics-request'; id: string }
interface Collect { type: 'acos:metrics-collect'; id: string }
interface Part { type: 'acos:metrics-part'; id: string; metrics: MetricsJson }
interface Result { type: 'acos:metrics-result'; id: string; parts: MetricsJson[] }

const is = <T extends { type: string }>(type: T['type']) => (message: unknown): message is T =>
  typeof message === 'object' && message !== null && (message as { type?: unknown }).type === type;
const isRequest = is<CollectRequest>('acos:metrics-request');
const isCollect = is<Collect>('acos:metrics-collect');
const isPart = is<Part>('acos:metrics-part');
const isResult = is<Result>('acos:metrics-result');

/** How long the supervisor waits for the workers' series before answering with those that arrived. */
const COLLECT_TIMEOUT_MS = 2000;

/** Whether this process is a worker that can ask its supervisor. */
export function inCluster(): boolean {
  return process.env.INTERNAL_CLUSTER_WORKER !== undefined && typeof process.send === 'function';
}

/** In a worker: answer the supervisor's collection requests with this process's series. Returns the unsubscribe. */
export function answerMetricsCollection(localMetrics: () => Promise<MetricsJson>): () => void {
  const onMessage = (message: unknown) => {
    if (!isCollect(message)) return;
    void localMetrics().then(
      (metrics) => process.send?.({ type: 'acos:metrics-part', id: message.id, metrics } satisfies Part),
      () => process.send?.({ type: 'acos:metrics-part', id: message.id, metrics: [] } satisfies Part),
    );
  };
  process.on('message', onMessage);
  return () => process.off('message', onMessage);
}

/** In a worker: every worker's series, as gathered by the supervisor. */
export function collectClusterMetrics(): Promise<MetricsJson[]> {
  const id = randomUUID();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      process.off('message', onMessage);
      reject(new Error('the supervisor did not answer with the workers\' metrics'));
    }, COLLECT_TIMEOUT_MS * 2);
    const onMessage = (message: unknown) => {
      if (!isResult(message) || message.id !== id) return;
      clearTimeout(timer);
      process.off('message', onMessage);
      resolve(message.parts);
    };
    process.on('message', onMessage);
    process.send!({ type: 'acos:metrics-request', id } satisfies CollectRequest);
  });
}

/** In the supervisor: serve the workers' collection requests. `workers` gives the ones serving now. */
export function relayMetrics(workers: () => ChildProcess[]): (from: ChildProcess, message: unknown) => void {
  const pending = new Map<string, { requester: ChildProcess; parts: MetricsJson[]; waiting: number; timer: NodeJS.Timeout }>();
  const finish = (id: string) => {
    const collection = pending.get(id);
    if (!collection) return;
    pending.delete(id);
    clearTimeout(collection.timer);
    if (collection.requester.connected) collection.requester.send({ type: 'acos:metrics-result', id, parts: collection.parts } satisfies Result);
  };
  return (from, message) => {
    if (isRequest(message)) {
      const targets = workers().filter((w) => w.connected);
      pending.set(message.id, { requester: from, parts: [], waiting: targets.length, timer: setTimeout(() => finish(message.id), COLLECT_TIMEOUT_MS) });
      for (const worker of targets) worker.send({ type: 'acos:metrics-collect', id: message.id } satisfies Collect);
      if (!targets.length) finish(message.id);
    } else if (isPart(message)) {
      const collection = pending.get(message.id);
      if (!collection) return;
      collection.parts.push(message.metrics);
      if (--collection.waiting <= 0) finish(message.id);
    }
  };
}
