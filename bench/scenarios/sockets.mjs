// Scenario 7 — many sockets. N users (bulk SQL fixture; tokens signed with the run's
// JWT_SECRET exactly as the server issues them) each hold one authenticated socket, spread
// over several socket processes. Cases assigned to some of them (created through the API)
// get status changes through PATCH at a modest fixed rate; each fires the "notify assignee"
// rule, and the time from sending the PATCH to that user's socket receiving `notification`
// is measured while all N sockets stay connected (baseline: the same with only the notified
// users connected). The notified users' sockets are real socket.io-client connections in their
// own process; the other users hold protocol-level sessions in other processes (see
// socket-client.mjs). Server RSS (after a forced GC) before and after connecting gives the
// memory per socket.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { NEXT_STATUS, settleOutbox } from '../lib/app.mjs';
import { dbPool, q, readFixtures } from '../lib/context.mjs';
import { makeClient, pool } from '../lib/http.mjs';
import { signToken } from '../lib/jwt.mjs';
import { withInspector } from '../lib/inspector.mjs';
import { startWindow } from '../lib/window.mjs';
import { rssMiB } from '../lib/proc.mjs';
import { log, round, sleep, summarize } from '../lib/stats.mjs';
import { SCOPES } from './engine-fixtures.mjs';

const CLIENT = fileURLToPath(new URL('../socket-client.mjs', import.meta.url));
const hr = () => process.hrtime.bigint();

function request(child, msg, replyType, timeoutMs) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { child.off('message', on); reject(new Error(`socket process: no ${replyType} in ${timeoutMs} ms`)); }, timeoutMs);
    const on = (m) => { if (m.type === replyType) { clearTimeout(timer); child.off('message', on); resolve(m); } };
    child.on('message', on);
    child.send(msg);
  });
}

/** Server RSS after a full GC (through its inspector), median of three readings. */
async function settledRss(ctx) {
  const readings = [];
  for (let i = 0; i < 3; i++) {
    await withInspector(ctx.inspectorUrl, (s) => s.collectGarbage());
    await sleep(700);
    readings.push(rssMiB(ctx.serverPid));
  }
  return readings.sort((a, b) => a - b)[1];
}

export async function run(ctx) {
  const users = readFixtures(ctx, 'users');
  const db = dbPool(ctx);
  const n = ctx.sizes.sockets;
  const processes = ctx.sizes.socketProcesses;
  const samples = ctx.sizes.socketSamples;
  const rate = 10;
  const http = makeClient(ctx.url, { maxSockets: 16 });

  log(`sockets: inserting ${n} users (bulk SQL, the hash of an API-created user's password)`);
  const [{ password_hash: hash }] = await q(db, 'SELECT password_hash FROM users WHERE id = $1', [users.investigators[0].id]);
  const rows = await q(db, `
    INSERT INTO users (email, name, role, password_hash, scope_codes)
    SELECT 'socket' || g || '@bench.local', 'Socket User ' || g, 'INVESTIGATOR', $1, '{}' FROM generate_series(1, $2::int) g
    RETURNING id`, [hash, n]);
  const socketUsers = rows.map((r) => ({ id: r.id, token: signToken(r.id, ctx.jwtSecret) }));
  // Sanity: the server accepts these tokens on the API like its own.
  await http.expect(200, 'GET', '/api/v1/auth/me', { token: socketUsers[0].token });

  // Cases assigned to evenly spread socket users (through the API), in the rules' scopes.
  const targets = Array.from({ length: samples }, (_, i) => socketUsers[Math.floor((i * n) / samples)]);
  const cases = await pool(samples, 8, async (i) => {
    const c = await http.expect(201, 'POST', '/api/v1/cases', {
      token: users.admin.token,
      body: { title: `Socket bench case ${i + 1}`, caseType: 'AUDIT', scopeCode: SCOPES[i % SCOPES.length], severity: 'HIGH', assigneeId: targets[i].id },
    });
    return { id: c.id, status: c.status, userId: targets[i].id };
  });
  const settled = await settleOutbox(db, ctx.sizes.settleTimeoutMs);

  const rssBefore = await settledRss(ctx);
  // Process 0: the notified users (socket.io-client); the others: protocol-level sessions.
  const children = Array.from({ length: processes }, () => fork(CLIENT, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], serialization: 'advanced' }));
  const pending = new Map(); // caseId → {sentAt, userId}
  let latencies = [];
  let misdelivered = 0;
  for (const child of children) {
    child.on('message', (m) => {
      if (m.type !== 'notification') return;
      const p = pending.get(m.entityId);
      if (!p || p.userId !== m.userId || m.forUser !== m.userId) { misdelivered++; return; }
      pending.delete(m.entityId);
      latencies.push(Number(BigInt(m.at) - p.sentAt) / 1e6);
    });
  }
  const connectAll = async (list, mode) => {
    const t0 = Date.now();
    const targetsOf = mode === 'full' ? [children[0]] : children.slice(1);
    const replies = await Promise.all(targetsOf.map((child, k) => request(child, {
      type: 'connect', mode, url: ctx.url, concurrency: 25, users: list.filter((_, i) => i % targetsOf.length === k),
    }, 'connected', 180_000)));
    const errors = replies.reduce((acc, c) => { for (const [e, v] of Object.entries(c.errors)) acc[e] = (acc[e] ?? 0) + v; return acc; }, {});
    return { ok: replies.reduce((a, c) => a + c.ok, 0), errors, seconds: (Date.now() - t0) / 1000, clientRss: replies.map((r) => round(r.rssMiB, 0)) };
  };
  let errors = 0;
  /** One status change per target case at `rate`/s; returns the latency summary (lost = Infinity). */
  const measure = async () => {
    latencies = [];
    const start = hr();
    for (let i = 0; i < cases.length; i++) {
      const due = start + BigInt(Math.round((i * 1e9) / rate));
      while (hr() < due) await sleep(1);
      const c = cases[i];
      const to = NEXT_STATUS[c.status];
      c.status = to;
      pending.set(c.id, { sentAt: hr(), userId: c.userId });
      http.patch(`/api/v1/cases/${c.id}`, { token: users.admin.token, body: { status: to } }).then(
        (res) => { if (res.status !== 200) { errors++; pending.delete(c.id); } },
        () => { errors++; pending.delete(c.id); });
    }
    const deadline = Date.now() + 10_000;
    while (pending.size && Date.now() < deadline) await sleep(20);
    const lost = pending.size;
    pending.clear();
    for (let i = 0; i < lost; i++) latencies.push(Infinity);
    return summarize(latencies);
  };

  // Baseline: only the notified users are connected.
  const targetIds = new Set(targets.map((u) => u.id));
  const first = await connectAll(targets, 'full');
  log(`sockets: baseline with only the ${first.ok} notified users connected: ${samples} status changes at ${rate}/s`);
  const w0 = await startWindow(ctx);
  const baseline = await measure();
  const baselineResources = await w0.stop();
  log(`sockets: baseline notification p50 ${baseline.p50} ms, p99 ${baseline.p99} ms`);
  const settledAfterBaseline = await settleOutbox(db, ctx.sizes.settleTimeoutMs);

  const rest = socketUsers.filter((u) => !targetIds.has(u.id));
  log(`sockets: server RSS ${rssBefore.toFixed(0)} MiB before any socket; opening the other ${rest.length} sockets from ${processes} processes`);
  const second = await connectAll(rest, 'light');
  const ok = first.ok + second.ok;
  const connectErrors = { ...first.errors };
  for (const [e, v] of Object.entries(second.errors)) connectErrors[e] = (connectErrors[e] ?? 0) + v;
  log(`sockets: ${ok}/${n} connected (${second.seconds.toFixed(1)} s for the last ${rest.length}) ${Object.keys(connectErrors).length ? JSON.stringify(connectErrors) : ''}`);
  const rssAfter = await settledRss(ctx);
  let metricsSockets = null;
  const metrics = await http.get('/metrics').catch(() => null);
  if (metrics?.status === 200 && typeof metrics.body === 'string') {
    const m = /^acos_sockets_connected\s+(\d+)/m.exec(metrics.body);
    if (m) metricsSockets = Number(m[1]);
  }
  log(`sockets: server RSS ${rssAfter.toFixed(0)} MiB (+${(rssAfter - rssBefore).toFixed(0)} MiB, ${(((rssAfter - rssBefore) * 1024) / Math.max(ok, 1)).toFixed(1)} KiB/socket)`);

  log(`sockets: ${samples} status changes at ${rate}/s with all ${ok} sockets connected`);
  const w1 = await startWindow(ctx);
  const s = await measure();
  const windowResources = await w1.stop();
  const lost = s.lost;
  const rssDuring = rssMiB(ctx.serverPid);

  const statuses = await Promise.all(children.map((c) => request(c, { type: 'status' }, 'status', 30_000)));
  const stillConnected = statuses.reduce((a, s) => a + s.connected, 0);
  const caseUpdates = statuses.reduce((a, s) => a + s.caseUpdates, 0);
  const disconnects = statuses.reduce((a, s) => a + s.disconnects, 0);
  await Promise.all(children.map((c) => request(c, { type: 'close' }, 'closed', 30_000).catch(() => c.kill())));
  await db.end();
  http.close();

  log(`sockets: notification p50 ${s.p50} ms, p99 ${s.p99} ms (${lost} lost); ${stillConnected}/${ok} still connected`);
  return {
    latencyMs: s, baselineLatencyMs: baseline, baselineSockets: first.ok, windowResources, baselineResources,
    sockets: n, connected: ok, connectErrors, connectSeconds: round(first.seconds + second.seconds, 1), stillConnectedAfter: stillConnected,
    serverSocketsGauge: metricsSockets,
    rssBeforeMiB: round(rssBefore, 1), rssAfterMiB: round(rssAfter, 1), rssDuringMiB: round(rssDuring, 1),
    rssPerSocketKiB: round(((rssAfter - rssBefore) * 1024) / Math.max(ok, 1), 1),
    notificationRate: rate, samples, errors, lost, misdelivered,
    caseUpdatedEventsReceived: caseUpdates, disconnectsSeen: disconnects,
    socketProcesses: processes,
    settleBefore: settled, settleAfterBaseline: settledAfterBaseline,
    clientProcessRssMiB: second.clientRss,
  };
}
