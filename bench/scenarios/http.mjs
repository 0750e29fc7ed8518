// Scenario 12 — the HTTP layer alone: the same Nest app (bench/http-ab-app.mjs: global JWT guard, ParseUUIDPipe,
// ValidationPipe on an UpdateCaseDto copy, the server's per-request middleware, a ~1 KB case view, cases in a Map,
// no database) under @nestjs/platform-express and under @nestjs/platform-fastify, each in its own process.
// Rounds alternate express, fastify, express, fastify; each round starts a fresh app process, checks once that
// validation, auth and the headers really work, warms up, then runs a closed loop of authenticated PATCHes from
// 32 connections. Reported: requests/s, latency, and the app process's CPU per request (from /proc: the figure that
// does not depend on how much of the 2 cores the load process and the rest of the machine took).
// The real server idles meanwhile (it is not involved).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpuSeconds } from '../lib/cpu.mjs';
import { AB_CASES, AB_STATUSES, AB_USER_ID, abCaseId } from '../lib/http-ab.mjs';
import { makeClient, pool } from '../lib/http.mjs';
import { signToken } from '../lib/jwt.mjs';
import { closedLoop, log, round } from '../lib/stats.mjs';

const APP = join(dirname(fileURLToPath(import.meta.url)), '..', 'http-ab-app.mjs');
const ADAPTERS = ['express', 'fastify'];

/** Starts the app under `adapter`; resolves {child, url} once it prints its port. */
function startApp(adapter, secret) {
  const child = spawn(process.execPath, [APP, adapter, '0'], {
    env: { ...process.env, HTTP_AB_SECRET: secret, NODE_ENV: 'production' },
    // stdin stays open: the app exits when it closes, i.e. when this load process goes away.
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`${adapter} app did not listen within 60 s:\n${output}`)); }, 60_000);
    const onData = (d) => {
      output += d;
      const m = /LISTENING (\d+)/.exec(output);
      if (m) { clearTimeout(timer); resolve({ child, url: `http://127.0.0.1:${m[1]}`, output: () => output }); }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (d) => { output += d; });
    child.on('exit', (code, signal) => { clearTimeout(timer); reject(new Error(`${adapter} app exited (${code ?? signal}) before listening:\n${output}`)); });
  });
}

async function stopApp(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}

/** Asserts what the measured requests rely on: a valid PATCH answers the changed case, bad ones are refused. */
async function probe(url, adapter, token) {
  const id = abCaseId(0);
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const call = async (path, init) => {
    const res = await fetch(`${url}/api/v1${path}`, init);
    const text = await res.text();
    let body = text;
    try { body = JSON.parse(text); } catch { /* text */ }
    return { status: res.status, body, bytes: Buffer.byteLength(text), headers: res.headers };
  };
  const expectations = [
    ['valid PATCH', `/cases/${id}`, { method: 'PATCH', headers, body: JSON.stringify({ status: 'IN_PROGRESS' }) }, 200],
    ['title trimmed by the DTO\'s @Transform', `/cases/${id}`, { method: 'PATCH', headers, body: JSON.stringify({ title: '  Trimmed title  ' }) }, 200],
    ['status not in the enum', `/cases/${id}`, { method: 'PATCH', headers, body: JSON.stringify({ status: 'NOPE' }) }, 400],
    ['unknown property (forbidNonWhitelisted)', `/cases/${id}`, { method: 'PATCH', headers, body: JSON.stringify({ status: 'OPEN', hacker: true }) }, 400],
    ['tags not an array', `/cases/${id}`, { method: 'PATCH', headers, body: JSON.stringify({ tags: 'x' }) }, 400],
    ['__proto__ key', `/cases/${id}`, { method: 'PATCH', headers, body: '{"status":"OPEN","__proto__":{"x":1}}' }, 400],
    ['text/plain body', `/cases/${id}`, { method: 'PATCH', headers: { ...headers, 'content-type': 'text/plain' }, body: 'status=OPEN' }, 415],
    ['no token', `/cases/${id}`, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: '{}' }, 401],
    ['token signed with another secret', `/cases/${id}`, { method: 'PATCH', headers: { ...headers, authorization: `Bearer ${signToken(AB_USER_ID, 'another secret')}` }, body: '{}' }, 401],
    ['id not a UUID (ParseUUIDPipe)', '/cases/not-a-uuid', { method: 'PATCH', headers, body: '{}' }, 400],
  ];
  const failures = [];
  let responseBytes = null;
  for (const [name, path, init, status] of expectations) {
    const res = await call(path, init);
    if (res.status !== status) failures.push(`${name}: expected ${status}, got ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
    if (!res.headers.get('x-request-id')) failures.push(`${name}: no X-Request-Id`);
    if (!res.headers.get('content-security-policy')) failures.push(`${name}: no Content-Security-Policy`);
    if (name === 'valid PATCH') {
      responseBytes = res.bytes;
      if (res.body?.id !== id || res.body?.status !== 'IN_PROGRESS') failures.push(`valid PATCH: unexpected body ${JSON.stringify(res.body).slice(0, 200)}`);
    }
    if (name.startsWith('title') && res.body?.title !== 'Trimmed title') failures.push(`title not trimmed: ${JSON.stringify(res.body?.title)}`);
  }
  if (failures.length) throw new Error(`${adapter}: the app does not behave as the server does:\n  ${failures.join('\n  ')}`);
  return { checks: expectations.length, responseBytes };
}

async function measure(adapter, roundNo, { secret, token, seconds, warmupRequests, concurrency }) {
  const { child, url } = await startApp(adapter, secret);
  try {
    const { checks, responseBytes } = await probe(url, adapter, token);
    const http = makeClient(url, { maxSockets: concurrency });
    let next = 0;
    const patch = () => {
      const i = next++;
      const status = AB_STATUSES[Math.floor(i / AB_CASES) % AB_STATUSES.length];
      return http.patch(`/api/v1/cases/${abCaseId(i % AB_CASES)}`, { token, body: { status } });
    };
    const warm = await pool(warmupRequests, concurrency, patch);
    const warmFailed = warm.filter((r) => r.status !== 200).length;
    if (warmFailed) throw new Error(`${adapter}: ${warmFailed} of ${warmupRequests} warm-up PATCHes failed (first: ${warm.find((r) => r.status !== 200).status})`);
    const cpu0 = cpuSeconds(child.pid, null);
    const self0 = process.cpuUsage();
    const { ok, errors, elapsed, latencyMs } = await closedLoop(seconds, concurrency, patch);
    const self1 = process.cpuUsage();
    const cpu1 = cpuSeconds(child.pid, null);
    const stats = await (await fetch(`${url}/api/v1/bench-stats`)).json();
    http.close();
    const appCpu = cpu1.server - cpu0.server;
    const loadCpu = (self1.user - self0.user + self1.system - self0.system) / 1e6;
    const total = ok + errors;
    const out = {
      adapter, round: roundNo, requestsPerSecond: round(ok / elapsed, 1), requests: ok, errors, seconds: round(elapsed, 2), latencyMs,
      appCpuSeconds: round(appCpu, 2), cpuUsPerRequest: total ? round((appCpu / total) * 1e6, 1) : null,
      appCores: round(appCpu / elapsed, 2), loadProcessCpuUsPerRequest: total ? round((loadCpu / total) * 1e6, 1) : null,
      machineCores: round((cpu1.machineBusy - cpu0.machineBusy) / elapsed, 2),
      responseBytes, probeChecks: checks,
      // Every request went through the access log (probes + warm-up + measured), and only the stats request is in flight.
      accessLogComplete: stats.observed === checks + warmupRequests + total && stats.inFlight === 1,
    };
    log(`http: ${adapter} round ${roundNo}: ${out.requestsPerSecond} req/s, p50 ${latencyMs.p50} ms, p99 ${latencyMs.p99} ms, `
      + `app ${out.cpuUsPerRequest} µs CPU/request (${out.appCores} cores), load process ${out.loadProcessCpuUsPerRequest} µs/request, machine ${out.machineCores} cores`);
    return out;
  } finally {
    await stopApp(child);
  }
}

export async function run(ctx) {
  const seconds = ctx.sizes.httpSeconds ?? (ctx.quick ? 4 : 15);
  const warmupRequests = ctx.sizes.httpWarmupRequests ?? 2000;
  const roundsPerAdapter = ctx.sizes.httpRounds ?? 2;
  const concurrency = 32;
  const secret = randomBytes(48).toString('base64url');
  const token = signToken(AB_USER_ID, secret);
  log(`http: ${roundsPerAdapter} rounds of ${ADAPTERS.join(', ')}; each ${warmupRequests} warm-up PATCHes, then ${seconds} s closed loop, ${concurrency} connections`);
  const rounds = [];
  for (let r = 1; r <= roundsPerAdapter; r++) {
    for (const adapter of ADAPTERS) rounds.push(await measure(adapter, r, { secret, token, seconds, warmupRequests, concurrency }));
  }
  // The best round of each adapter (highest req/s), the least disturbed by the rest of the machine.
  const best = Object.fromEntries(ADAPTERS.map((a) => [a, rounds.filter((x) => x.adapter === a).sort((x, y) => y.requestsPerSecond - x.requestsPerSecond)[0]]));
  const minCpu = Object.fromEntries(ADAPTERS.map((a) => [a, Math.min(...rounds.filter((x) => x.adapter === a).map((x) => x.cpuUsPerRequest))]));
  const { express, fastify } = best;
  const result = {
    ratio: round(fastify.requestsPerSecond / express.requestsPerSecond, 3),
    express, fastify,
    cpuUsPerRequest: { express: express.cpuUsPerRequest, fastify: fastify.cpuUsPerRequest, lowestOfRounds: minCpu },
    cpuRatio: round(fastify.cpuUsPerRequest / express.cpuUsPerRequest, 3),
    cpuSavedUsPerRequest: round(express.cpuUsPerRequest - fastify.cpuUsPerRequest, 1),
    rounds, concurrency, seconds, warmupRequests,
    request: 'PATCH /api/v1/cases/:id {"status":…}, bearer HS256 JWT, ~1 KB JSON case view; no database',
    note: 'best = the round with the highest req/s per adapter. The load process shares the 2 cores with the app, so req/s is '
      + 'bounded by both; cpuUsPerRequest (the app process from /proc, GC threads included) is the figure to compare. Security '
      + 'headers: Nest\'s app.useSecurityHeaders() in both (@fastify/helmet is not installed); Express also computes its default ETag.',
  };
  log(`http: fastify ÷ express ${result.ratio} req/s; CPU/request express ${express.cpuUsPerRequest} µs, fastify ${fastify.cpuUsPerRequest} µs`);
  return result;
}
