import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { eventually, startTestApp, type TestApp, type TestUser } from '../../test/harness';
import { makeRule, patchCase, settle } from '../../test/workflow-fixtures';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('TIME_BASED rules on a schedule, with two server processes', () => {
  let a: TestApp;
  let b: TestApp;
  let admin: TestUser;

  beforeAll(async () => {
    a = await startTestApp();
    b = await startTestApp({ databaseUrl: a.databaseUrl });
    admin = await a.makeUser({ role: 'ADMIN' });
  });
  afterAll(async () => {
    await b.close();
    await a.close();
  });

  it('acts on each matching case once per rule until it stops matching, and each tick runs once across both processes', async () => {
    const open1 = await a.makeCase(admin, { scopeCode: 'TICK' });
    const open2 = await a.makeCase(admin, { scopeCode: 'TICK' });
    const closed = await a.makeCase(admin, { scopeCode: 'TICK' });
    await patchCase(a, admin, closed.id, { status: 'CLOSED' });
    await a.makeCase(admin, { scopeCode: 'ELSE' }); // out of the rule's scope: the map below shows it was left alone
    const rule = await makeRule(a, admin, {
      scopeCodes: ['TICK'], triggerType: 'TIME_BASED',
      triggerConfig: { cron: '* * * * * *', conditions: [{ field: 'status', op: 'eq', value: 'OPEN' }] },
      actions: [{ actionType: 'CREATE_TIMELINE', actionConfig: { message: 'Reminder: {{case.caseNumber}} is still open' } }],
    });
    // Both processes pick the rule up (B through the version poll) and tick every second.
    await eventually(async () => {
      const [{ n }] = await a.sql<{ n: string }>('SELECT count(*) AS n FROM workflow_ticks WHERE rule_id = $1 AND processed_at IS NOT NULL', [rule.id]);
      return Number(n) >= 4;
    }, 15_000, 'four processed ticks');
    const runs = async () => a.sql<{ case_id: string; n: string }>(
      'SELECT case_id, count(*) AS n FROM workflow_history WHERE rule_id = $1 AND skipped_reason IS NULL GROUP BY case_id', [rule.id]);
    expect(new Map((await runs()).map((r) => [r.case_id, Number(r.n)]))).toEqual(new Map([[open1.id, 1], [open2.id, 1]]));

    // Stops matching, a tick sees it, matches again: acted on a second time.
    await patchCase(a, admin, open1.id, { status: 'IN_PROGRESS' });
    await sleep(2500);
    await patchCase(a, admin, open1.id, { status: 'OPEN' });
    await eventually(async () => (await runs()).find((r) => r.case_id === open1.id)?.n === '2', 10_000, 'a second run for the re-matching case');
    await sleep(1500);
    expect(new Map((await runs()).map((r) => [r.case_id, Number(r.n)]))).toEqual(new Map([[open1.id, 2], [open2.id, 1]]));

    // No tick was enqueued twice, and every tick was worked once.
    const dupes = await a.sql('SELECT scheduled_for FROM workflow_ticks WHERE rule_id = $1 GROUP BY scheduled_for HAVING count(*) > 1', [rule.id]);
    expect(dupes).toEqual([]);
    const perTick = await a.sql<{ n: string }>(
      `SELECT count(*) AS n FROM workflow_history WHERE rule_id = $1 GROUP BY event_id, case_id HAVING count(*) > 1`, [rule.id]);
    expect(perTick).toEqual([]);
    await a.http().post(`/api/v1/workflows/rules/${rule.id}/toggle`).set('Authorization', `Bearer ${admin.token}`).expect(200);
    await settle(a);
  });

  it('a failing action in a scheduled batch is recorded for each case while the other actions and cases still go through', async () => {
    const gone = await a.makeUser({ role: 'INVESTIGATOR', name: 'Gone Gina' });
    await a.http().patch(`/api/v1/users/${gone.id}`).set('Authorization', `Bearer ${admin.token}`).send({ isActive: false }).expect(200);
    const cases = await Promise.all([1, 2, 3].map(() => a.makeCase(admin, { scopeCode: 'FAILTICK' })));
    const rule = await makeRule(a, admin, {
      scopeCodes: ['FAILTICK'], triggerType: 'TIME_BASED',
      triggerConfig: { cron: '* * * * * *', conditions: [{ field: 'status', op: 'eq', value: 'OPEN' }] },
      actions: [
        { actionType: 'ASSIGN_USER', actionConfig: { userId: gone.id } },
        { actionType: 'ADD_TAG', actionConfig: { tag: 'scanned' } },
      ],
    });
    const runs = () => a.sql<{ case_id: string; success: boolean; error_message: string; actions_executed: Array<{ success: boolean }> }>(
      'SELECT case_id, success, error_message, actions_executed FROM workflow_history WHERE rule_id = $1', [rule.id]);
    await eventually(async () => (await runs()).length === 3, 15_000, 'a run for each of the three cases');
    await a.http().post(`/api/v1/workflows/rules/${rule.id}/toggle`).set('Authorization', `Bearer ${admin.token}`).expect(200);
    for (const run of await runs()) {
      expect(run.success).toBe(false);
      expect(run.error_message).toMatch(/Gone Gina is deactivated/);
      expect(run.actions_executed.map((x) => x.success)).toEqual([false, true]);
    }
    const after = await a.sql<{ tags: string[]; assignee_id: string | null }>(
      'SELECT tags, assignee_id FROM cases WHERE id = ANY($1::uuid[])', [cases.map((c) => c.id)]);
    expect(after).toEqual(cases.map(() => ({ tags: ['scanned'], assignee_id: null })));
    await settle(a);
  });

  it('after downtime a missed schedule is caught up once, not once per missed firing, even with two processes starting', async () => {
    const rule = await makeRule(a, admin, {
      scopeCodes: ['CATCH'], triggerType: 'TIME_BASED',
      triggerConfig: { cron: '0 0 * * *', conditions: [{ field: 'status', op: 'eq', value: 'OPEN' }] },
      actions: [{ actionType: 'ADD_TAG', actionConfig: { tag: 'daily' } }],
    });
    const c = await a.makeCase(admin, { scopeCode: 'CATCH' });
    // Pretend the last tick was five days ago: five midnights were missed while "down".
    await a.sql(`UPDATE workflow_rules SET last_tick_at = now() - interval '5 days' WHERE id = $1`, [rule.id]);
    const [c1, c2] = await Promise.all([startTestApp({ databaseUrl: a.databaseUrl }), startTestApp({ databaseUrl: a.databaseUrl })]);
    try {
      await eventually(async () => {
        const rows = await a.sql<{ processed_at: Date | null }>('SELECT processed_at FROM workflow_ticks WHERE rule_id = $1', [rule.id]);
        return rows.length === 1 && rows[0].processed_at !== null;
      }, 10_000, 'the catch-up tick');
      await sleep(500);
      const ticks = await a.sql<{ catch_up: boolean }>('SELECT catch_up FROM workflow_ticks WHERE rule_id = $1', [rule.id]);
      expect(ticks).toEqual([{ catch_up: true }]);
      const runs = await a.sql('SELECT case_id FROM workflow_history WHERE rule_id = $1', [rule.id]);
      expect(runs).toEqual([{ case_id: c.id }]);
    } finally {
      await c1.close();
      await c2.close();
    }
  });
});
