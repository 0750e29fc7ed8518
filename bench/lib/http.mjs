// A small keep-alive HTTP/1.1 JSON client for the load process (node:http, lower overhead than fetch).
import http from 'node:http';

export function makeClient(baseUrl, { maxSockets = 64, timeoutMs = 30_000 } = {}) {
  const u = new URL(baseUrl);
  if (u.hostname !== '127.0.0.1' && u.hostname !== 'localhost') throw new Error(`the bench only talks to loopback, not ${u.hostname}`);
  const agent = new http.Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets, scheduling: 'fifo' });

  /** Resolves {status, body, ms, sentAt} (sentAt: process.hrtime.bigint() when the request was issued); never rejects on HTTP errors. */
  function request(method, path, { token, body } = {}) {
    return new Promise((resolve, reject) => {
      const data = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
      const headers = { accept: 'application/json' };
      if (data) { headers['content-type'] = 'application/json'; headers['content-length'] = data.length; }
      if (token) headers.authorization = `Bearer ${token}`;
      const sentAt = process.hrtime.bigint();
      const req = http.request({ host: u.hostname, port: u.port, method, path, headers, agent }, (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          const ms = Number(process.hrtime.bigint() - sentAt) / 1e6;
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed = text;
          if (text && /json/.test(res.headers['content-type'] ?? '')) {
            try { parsed = JSON.parse(text); } catch { /* keep text */ }
          }
          resolve({ status: res.statusCode, body: parsed, ms, sentAt });
        });
        res.on('error', reject);
      });
      req.setTimeout(timeoutMs, () => req.destroy(new Error(`${method} ${path}: no answer in ${timeoutMs} ms`)));
      req.on('error', reject);
      if (data) req.write(data);
      req.end();
    });
  }

  return {
    request,
    get: (path, opts) => request('GET', path, opts),
    post: (path, opts) => request('POST', path, opts),
    patch: (path, opts) => request('PATCH', path, opts),
    /** Throws unless the status is the expected one; returns the body. */
    async expect(status, method, path, opts) {
      const res = await request(method, path, opts);
      if (res.status !== status) throw new Error(`${method} ${path}: expected ${status}, got ${res.status} ${JSON.stringify(res.body).slice(0, 500)}`);
      return res.body;
    },
    close: () => agent.destroy(),
  };
}

/** Runs `task(i)` for i in [0, count) with at most `concurrency` in flight; returns results in order. */
export async function pool(count, concurrency, task) {
  const results = new Array(count);
  let next = 0;
  async function worker() {
    while (next < count) {
      const i = next++;
      results[i] = await task(i);
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return results;
}
