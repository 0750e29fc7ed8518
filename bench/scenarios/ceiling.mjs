// Scenario 1 — the same-run ceiling: durable single-row INSERT commits/s over 8 connections
// to the server's own database (embedded PostgreSQL, fsync and synchronous_commit as configured).
import pg from 'pg';
import { q } from '../lib/context.mjs';
import { log, round } from '../lib/stats.mjs';

export async function run(ctx) {
  const connections = 8;
  const seconds = ctx.sizes.ceilingSeconds;
  const admin = new pg.Client({ connectionString: ctx.databaseUrl });
  await admin.connect();
  const settings = Object.fromEntries((await admin.query(
    `SELECT name, setting FROM pg_settings WHERE name IN ('fsync', 'synchronous_commit', 'wal_sync_method', 'full_page_writes', 'commit_delay', 'shared_buffers', 'max_wal_size', 'server_version')`)).rows.map((r) => [r.name, r.setting]));
  await admin.query('DROP TABLE IF EXISTS bench_ceiling');
  await admin.query('CREATE TABLE bench_ceiling (id bigserial PRIMARY KEY, worker int NOT NULL, payload text NOT NULL, created_at timestamptz NOT NULL DEFAULT now())');
  const clients = await Promise.all(Array.from({ length: connections }, async () => {
    const c = new pg.Client({ connectionString: ctx.databaseUrl });
    await c.connect();
    return c;
  }));
  log(`ceiling: ${connections} connections, single-row INSERT autocommit, ${seconds} s`);
  // Warm-up: a second of the same work, not counted.
  const runFor = async (ms, counts) => {
    const end = Date.now() + ms;
    await Promise.all(clients.map(async (c, w) => {
      while (Date.now() < end) {
        await c.query('INSERT INTO bench_ceiling (worker, payload) VALUES ($1, $2)', [w, 'x'.repeat(64)]);
        if (counts) counts[w]++;
      }
    }));
  };
  await runFor(1000);
  const counts = new Array(connections).fill(0);
  const t0 = process.hrtime.bigint();
  await runFor(seconds * 1000, counts);
  const elapsed = Number(process.hrtime.bigint() - t0) / 1e9;
  const commits = counts.reduce((a, b) => a + b, 0);
  await Promise.all(clients.map((c) => c.end()));
  const [{ n }] = await q(admin, 'SELECT count(*)::int AS n FROM bench_ceiling');
  await admin.query('DROP TABLE bench_ceiling');
  await admin.end();
  const rate = commits / elapsed;
  log(`ceiling: ${Math.round(rate)} commits/s`);
  return { commitsPerSecond: round(rate, 1), commits, seconds: round(elapsed, 2), connections, rowsInTable: n, settings };
}
