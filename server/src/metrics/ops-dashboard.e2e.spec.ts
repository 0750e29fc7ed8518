import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { OpsDashboard1765700000000 } from '../../../migrations/1765700000000-ops-dashboard';
import { bearer, startTestApp, type TestApp, type TestUser } from '../../test/harness';
import { makeRule, patchCase, settle } from '../../test/workflow-fixtures';
import { MaintenanceService } from '../scheduler/maintenance.service';
import { OpsDashboardService } from './ops-dashboard.service';

/** What the counters must hold: the same grouping done the slow way, over every history row. */
const COUNT_OVER_HISTORY = `
  SELECT date_trunc('hour', created_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS bucket_start, rule_id::text,
         COALESCE(skipped_reason, CASE WHEN success THEN 'SUCCEEDED' ELSE 'FAILED' END) AS outcome,
         count(*)::int AS runs, sum(duration_ms)::bigint::text AS duration_ms
    FROM workflow_history GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`;
const COUNTERS = `SELECT bucket_start, rule_id::text, outcome, runs, duration_ms::text FROM workflow_run_stats ORDER BY 1, 2, 3`;

describe('ops dashboard: pre-aggregated run counters, backlog samples and GET /workflows/stats/timeline', () => {
  let t: TestApp;
  let admin: TestUser;

  beforeAll(async () => {
    // No cron (the test takes the backlog samples itself), no circuit breaker (the failing rule keeps failing).
    t = await startTestApp({ env: { SCHEDULER: 'off', RULE_PAUSE_AFTER_FAILURES: '0' } });
    admin = await t.makeUser({ role: 'ADMIN' });
  });
  afterAll(() => t.close());

  const timeline = async (qs = '') => (await t.http().get(`/api/v1/workflows/stats/timeline${qs}`).set(...bearer(admin)).expect(200)).body;

  it('counts every history row once, per hour, rule and outcome, whatever wrote it (engine batches, cooldown skips, failures, retries)', async () => {
    const gone = await t.makeUser({ role: 'INVESTIGATOR', name: 'Gone Gary' });
    const tagger = await makeRule(t, admin, { scopeCodes: ['OPS'], triggerType: 'EVENT', triggerConfig: { event: 'case.created' },
      actions: [{ actionType: 'ADD_TAG', actionConfig: { tag: 'seen' } }] });
    const failing = await makeRule(t, admin, { scopeCodes: ['OPS'], triggerType: 'EVENT', triggerConfig: { event: 'case.created' },
      actions: [{ actionType: 'SEND_NOTIFICATION', actionConfig: { recipients: [gone.id], title: 't', message: 'm' } }] });
    const cooling = await makeRule(t, admin, { scopeCodes: ['OPS'], triggerType: 'EVENT', triggerConfig: { event: 'case.updated' },
      cooldownSeconds: 3600, actions: [{ actionType: 'CREATE_TIMELINE', actionConfig: { message: 'touched' } }] });
    await t.http().patch(`/api/v1/users/${gone.id}`).set(...bearer(admin)).send({ isActive: false }).expect(200);

    // Many cases at once: the dispatcher's concurrent workers write them in batches of their own.
    const cases = await Promise.all(Array.from({ length: 40 }, (_, i) => t.makeCase(admin, { scopeCode: 'OPS', title: `ops ${i}` })));
    for (const c of cases.slice(0, 10)) {
      await patchCase(t, admin, c.id, { description: 'first' });
      await patchCase(t, admin, c.id, { description: 'second' });
    }
    await settle(t);
    const [failed] = await t.sql<{ id: string }>(`SELECT id FROM workflow_history WHERE rule_id = $1 LIMIT 1`, [failing.id]);
    await t.http().post(`/api/v1/workflows/history/${failed.id}/retry`).set(...bearer(admin)).expect(201);

    const expected = await t.sql(COUNT_OVER_HISTORY);
    expect(await t.sql(COUNTERS)).toEqual(expected);
    const byRule = (id: string) => expected.filter((r: any) => r.rule_id === id).map((r: any) => [r.outcome, r.runs]);
    expect(byRule(tagger.id)).toEqual([['SUCCEEDED', 40]]);
    expect(byRule(failing.id)).toEqual([['FAILED', 41]]);
    // Each case is updated by the tagger's ADD_TAG, then twice by hand: one run, then two skips for the first ten.
    expect(byRule(cooling.id).sort()).toEqual([['COOLDOWN', 20], ['SUCCEEDED', 40]]);

    // The endpoint answers from the counters: this hour holds every run, the rest of the day zeros.
    const day = await timeline();
    expect(day).toMatchObject({ range: '24h', bucket: 'hour' });
    expect(day.runs).toHaveLength(24);
    const current = day.runs[23];
    expect(current).toMatchObject({ runs: 40 + 41 + 40, failures: 41, skipped: 20 });
    expect(Date.parse(current.bucketStart)).toBeLessThanOrEqual(Date.now());
    expect(Date.parse(day.to)).toBeGreaterThan(Date.now());
    expect(day.runs.slice(0, 23).every((p: any) => p.runs === 0 && p.failures === 0 && p.avgDurationMs === null)).toBe(true);
    expect(day.topFailingRules).toEqual([{ ruleId: failing.id, ruleName: failing.name, failures: 41, runs: 41, lastFailureAt: current.bucketStart }]);
  });

  it('rolls hours up into days over 7 days, leaves out what is older, and the upgrade migration counts existing history the same way', async () => {
    // Move all of it three days back and add a row older than the window (counters and history alike).
    await t.sql(`UPDATE workflow_history SET created_at = created_at - interval '3 days'`);
    await t.sql(`UPDATE workflow_run_stats SET bucket_start = bucket_start - interval '3 days'`);
    await t.sql(`INSERT INTO workflow_run_stats (bucket_start, rule_id, outcome, rule_name, runs, duration_ms)
                 VALUES (date_trunc('hour', now()) - interval '9 days', gen_random_uuid(), 'FAILED', 'ancient', 5, 50)`);
    const week = await timeline('?range=7d');
    expect(week.runs).toHaveLength(168);
    const weekDays = await timeline('?range=7d&bucket=day');
    expect(weekDays.runs).toHaveLength(7);
    const [{ runs, failures }] = await t.sql<{ runs: number; failures: number }>(
      `SELECT count(*) FILTER (WHERE skipped_reason IS NULL)::int AS runs, count(*) FILTER (WHERE NOT success)::int AS failures
         FROM workflow_history WHERE created_at >= $1`, [weekDays.from]);
    const sum = (points: any[], key: string) => points.reduce((n, p) => n + p[key], 0);
    expect({ runs: sum(weekDays.runs, 'runs'), failures: sum(weekDays.runs, 'failures') }).toEqual({ runs, failures });
    expect({ runs: sum(week.runs, 'runs'), failures: sum(week.runs, 'failures') }).toEqual({ runs, failures });
    expect(weekDays.topFailingRules.map((r: any) => r.ruleName)).not.toContain('ancient');
    expect(sum((await timeline()).runs, 'runs')).toBe(0);

    // An installation upgrading to this release: the migration counts the history it already has.
    const runner = t.get(DataSource).createQueryRunner();
    try {
      await runner.query(`DROP TABLE ops_backlog_samples, workflow_run_stats`);
      await new OpsDashboard1765700000000().up(runner);
    } finally {
      await runner.release();
    }
    expect(await t.sql(COUNTERS)).toEqual(await t.sql(COUNT_OVER_HISTORY));

    for (const qs of ['?range=30d', '?bucket=minute', '?bogus=1']) {
      await t.http().get(`/api/v1/workflows/stats/timeline${qs}`).set(...bearer(admin)).expect(400);
    }
  });

  it('samples each queue once a minute across concurrent callers, condenses the samples, and the hourly maintenance prunes old counters', async () => {
    const dashboard = t.get(OpsDashboardService);
    await t.sql(`DELETE FROM ops_backlog_samples`);
    // Several processes firing at the same minute: exactly one takes the sample.
    const taken = await Promise.all([dashboard.sample(), dashboard.sample(), dashboard.sample()]);
    expect(taken.filter(Boolean)).toHaveLength(1);
    const [row] = await t.sql<{ backlogs: Record<string, { pending: number; oldestAgeSeconds: number }> }>(`SELECT backlogs FROM ops_backlog_samples`);
    expect(Object.keys(row.backlogs).sort()).toEqual(['email', 'outbox', 'webhooks']);
    expect(row.backlogs.outbox.pending).toBe(0);

    // Older samples, as other minutes left them: two in the same five-minute interval (intervals are
    // aligned to the epoch, so start from an aligned minute or the pair may straddle a boundary).
    const aligned = `to_timestamp(floor(EXTRACT(EPOCH FROM now() - interval '2 hours') / 300) * 300)`;
    await t.sql(`INSERT INTO ops_backlog_samples (sampled_at, backlogs) VALUES
      (${aligned}, '{"outbox": {"pending": 7, "oldestAgeSeconds": 12.5}, "webhooks": {"pending": 1, "oldestAgeSeconds": 3}}'),
      (${aligned} + interval '1 minute', '{"outbox": {"pending": 3, "oldestAgeSeconds": 40}, "webhooks": {"pending": 0, "oldestAgeSeconds": 0}}'),
      (now() - interval '200 days', '{"outbox": {"pending": 1, "oldestAgeSeconds": 1}}')`);
    const day = await timeline();
    expect(day.backlogIntervalSeconds).toBe(300);
    const outbox = day.backlogs.find((s: any) => s.queue === 'outbox');
    expect(day.backlogs.map((s: any) => s.queue).sort()).toEqual(['email', 'outbox', 'webhooks']);
    expect(outbox.points.some((p: any) => p.pending === 7 && p.oldestAgeSeconds === 40)).toBe(true);
    expect(outbox.points.at(-1)).toMatchObject({ pending: 0 });

    await t.sql(`INSERT INTO workflow_run_stats (bucket_start, rule_id, outcome, rule_name, runs, duration_ms)
                 VALUES (date_trunc('hour', now()) - interval '100 days', gen_random_uuid(), 'SUCCEEDED', 'old', 1, 1),
                        (date_trunc('hour', now()) - interval '9 days', gen_random_uuid(), 'FAILED', 'ancient', 5, 50)`);
    const result = await t.get(MaintenanceService).prune();
    expect(result).toMatchObject({ runStats: 1, backlogSamples: 1 });
    expect(await t.sql(`SELECT 1 FROM workflow_run_stats WHERE rule_name = 'old'`)).toEqual([]);
    expect(await t.sql(`SELECT 1 FROM workflow_run_stats WHERE rule_name = 'ancient'`)).toHaveLength(1);
    expect(await t.sql(`SELECT 1 FROM ops_backlog_samples`)).toHaveLength(3);
  });
});
