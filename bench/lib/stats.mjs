// Percentiles and small helpers shared by the scenarios.

/** Nearest-rank percentile of numbers (Infinity allowed: a lost sample counts as slower than any other). */
export function percentile(sorted, p) {
  if (!sorted.length) return null;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

export function summarize(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const finite = sorted.filter(Number.isFinite);
  const round = (v) => (v === null ? null : Number.isFinite(v) ? Math.round(v * 100) / 100 : null);
  return {
    count: sorted.length,
    lost: sorted.length - finite.length,
    min: round(finite[0] ?? null),
    p50: round(percentile(sorted, 50)),
    p90: round(percentile(sorted, 90)),
    p99: round(percentile(sorted, 99)),
    max: round(sorted[sorted.length - 1] ?? null),
    mean: finite.length ? round(finite.reduce((a, b) => a + b, 0) / finite.length) : null,
  };
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
export const nowMs = () => Number(process.hrtime.bigint()) / 1e6;
export const round = (v, digits = 2) => (v === null || v === undefined || !Number.isFinite(v) ? null : Math.round(v * 10 ** digits) / 10 ** digits);

export function log(...args) {
  const t = new Date().toISOString().slice(11, 19);
  process.stderr.write(`[bench ${t}] ${args.join(' ')}\n`);
}

/** Polls `check` until it returns a truthy value or `timeoutMs` passes; returns the value or undefined. */
export async function waitFor(check, { timeoutMs, intervalMs = 500, what = 'condition', onTick } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) {
      log(`gave up waiting for ${what} after ${Math.round(timeoutMs / 1000)} s`);
      return undefined;
    }
    if (onTick) await onTick();
    await sleep(intervalMs);
  }
}

/** `concurrency` loops calling `call` until `seconds` have passed: successes (2xx), errors, elapsed seconds, latency summary. */
export async function closedLoop(seconds, concurrency, call) {
  let ok = 0;
  let errors = 0;
  const latencies = [];
  const end = Date.now() + seconds * 1000;
  const t0 = Date.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (Date.now() < end) {
      const res = await call();
      if (res.status >= 200 && res.status < 300) { ok++; latencies.push(res.ms); } else errors++;
    }
  }));
  return { ok, errors, elapsed: (Date.now() - t0) / 1000, latencyMs: summarize(latencies) };
}
