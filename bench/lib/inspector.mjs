// A minimal Chrome DevTools Protocol client for the server's --inspect endpoint (loopback
// only): CPU-profiles exactly the measured part of a scenario instead of the whole run.
import WebSocket from 'ws';

export async function openInspector(wsUrl) {
  if (!/^ws:\/\/127\.0\.0\.1:/.test(wsUrl)) throw new Error(`refusing a non-loopback inspector URL: ${wsUrl}`);
  const ws = new WebSocket(wsUrl, { perMessageDeflate: false, maxPayload: 2 ** 30 });
  await new Promise((res, rej) => { ws.once('open', res); ws.once('error', rej); });
  let id = 0;
  const waiting = new Map();
  ws.on('message', (data) => {
    const msg = JSON.parse(data.toString());
    const w = waiting.get(msg.id);
    if (!w) return;
    waiting.delete(msg.id);
    if (msg.error) w.reject(new Error(msg.error.message)); else w.resolve(msg.result);
  });
  const send = (method, params = {}) => new Promise((resolve, reject) => {
    const n = ++id;
    waiting.set(n, { resolve, reject });
    ws.send(JSON.stringify({ id: n, method, params }));
  });
  return {
    async start(intervalUs = 500) {
      await send('Profiler.enable');
      await send('Profiler.setSamplingInterval', { interval: intervalUs });
      await send('Profiler.start');
    },
    async stop() {
      const { profile } = await send('Profiler.stop');
      return profile;
    },
    /** A full garbage collection in the server (before reading its RSS, so garbage is not counted). */
    async collectGarbage() {
      await send('HeapProfiler.collectGarbage');
      await send('HeapProfiler.collectGarbage');
    },
    /** Cumulative event-loop utilisation of the server's main thread: {idle, active, utilization} (ms). */
    async eventLoopUtilization() {
      const r = await send('Runtime.evaluate', { expression: 'JSON.stringify(performance.eventLoopUtilization())', returnByValue: true });
      return JSON.parse(r.result.value);
    },
    close: () => ws.close(),
  };
}

/** Connects, runs `fn(session)`, disconnects (the server accepts several inspector sessions). */
export async function withInspector(wsUrl, fn) {
  const s = await openInspector(wsUrl);
  try { return await fn(s); } finally { s.close(); }
}
