import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { startTestApp, type TestApp, type TestUser } from '../../test/harness';
import { makeRule } from '../../test/workflow-fixtures';

/**
 * Lists at volume: a first page never counts every matching row. Up to 10,000 the total is exact; above it the
 * answer says "at least 10,000" (`totalIsLowerBound`), which the console shows as "10,000+". The case search
 * and the history's filters are served by indexes (trigram indexes for the case search, the rule index for a rule name).
 */
const BULK = 10_050;
let t: TestApp;
let admin: TestUser;

beforeAll(async () => {
  t = await startTestApp({ env: { OUTBOX_DISPATCHER: 'off', SCHEDULER: 'off' } });
  admin = await t.makeUser({ role: 'ADMIN' });
  // Inserted directly: ten thousand cases through the API would only slow the test down.
  await t.sql(`INSERT INTO cases (case_number, title, description, case_type, scope_code, owner_id, created_at)
    SELECT 'BLK-2026-' || lpad(g::text, 5, '0'), 'Bulk case ' || g, 'generated', 'AUDIT', 'BLK', $1, now() - make_interval(secs => g)
      FROM generate_series(1, $2::int) g`, [admin.id, BULK]);
  await t.sql(`INSERT INTO cases (case_number, title, description, case_type, scope_code, owner_id)
    SELECT 'LEG-2026-' || lpad(g::text, 4, '0'), CASE WHEN g = 7 THEN 'Vendor kickback needle' ELSE 'Legal case ' || g END, '', 'AUDIT', 'LEG', $1
      FROM generate_series(1, 30) g`, [admin.id]);
  // The runs of two real rules (a rule-name search starts from the rules' names).
  const rule = (name: string) => makeRule(t, admin, { name, triggerType: 'EVENT', triggerConfig: { event: 'case.updated' }, isEnabled: false,
    actions: [{ actionType: 'ADD_TAG', actionConfig: { tag: 'seen' } }] });
  const [overdue, bulk] = [await rule('Escalate overdue'), await rule('Bulk rule')];
  await t.sql(`INSERT INTO workflow_history (rule_id, rule_name, case_id, case_number, event_id, event_name, success, created_at)
    SELECT CASE WHEN g % 1000 = 0 THEN $2::uuid ELSE $3::uuid END, CASE WHEN g % 1000 = 0 THEN 'Escalate overdue' ELSE 'Bulk rule' END,
           gen_random_uuid(), 'BLK-2026-00001', gen_random_uuid(), 'case.updated', true, now() - make_interval(secs => g)
      FROM generate_series(1, $1::int) g`, [BULK, overdue.id, bulk.id]);
  await t.sql('ANALYZE cases');
  await t.sql('ANALYZE workflow_history');
}, 120_000);

afterAll(async () => t?.close());

const get = (path: string) => t.http().get(path).set('Authorization', `Bearer ${admin.token}`);

describe('list totals at volume', () => {
  it('cases: above 10,000 matches the total is 10,000 and marked a lower bound; below it is exact', async () => {
    const all = await get('/api/v1/cases?limit=20').expect(200);
    expect(all.body).toMatchObject({ total: 10_000, totalIsLowerBound: true });
    expect(all.body.items).toHaveLength(20);
    const legal = await get('/api/v1/cases?scopeCode=LEG').expect(200);
    expect(legal.body.total).toBe(30);
    expect(legal.body.totalIsLowerBound).toBeUndefined();
    // Pages past the counted range are still served: the oldest cases are there.
    const deep = await get('/api/v1/cases?scopeCode=BLK&limit=10&offset=10040').expect(200);
    expect(deep.body.items.map((c: { caseNumber: string }) => c.caseNumber)).toContain('BLK-2026-10050');
  });

  it('cases: the search matches number, title or description in any case, never across two fields', async () => {
    await t.sql(`INSERT INTO cases (case_number, title, description, case_type, scope_code, owner_id) VALUES
      ('SRC-2026-0001', 'Quarterly Payroll review', 'Ledger 100% reconciled', 'AUDIT', 'SRC', $1),
      ('SRC-2026-0002', 'Ends with alpha', 'beta starts here', 'AUDIT', 'SRC', $1)`, [admin.id]);
    const numbers = async (q: string) => {
      const res = await get(`/api/v1/cases?scopeCode=SRC&q=${encodeURIComponent(q)}`).expect(200);
      expect(res.body.total).toBe(res.body.items.length);
      return res.body.items.map((c: { caseNumber: string }) => c.caseNumber);
    };
    expect(await numbers('PAYROLL')).toEqual(['SRC-2026-0001']);
    expect(await numbers('src-2026-0002')).toEqual(['SRC-2026-0002']);
    expect(await numbers('LEDGER 100%')).toEqual(['SRC-2026-0001']);
    // LIKE's wildcards in the search are plain characters.
    expect(await numbers('100_')).toEqual([]);
    // The title ends with "alpha" and the description begins with "beta": one field must hold the whole search.
    expect(await numbers('alpha beta')).toEqual([]);
    expect(await numbers('alpha')).toEqual(['SRC-2026-0002']);
  });

  it('cases: a search whose matches are all old counts them exactly, and a page past them keeps the total', async () => {
    // Eleven titles match: "Bulk case 1004" among the newest 5,000 cases and 10040–10049 far behind them, so the page
    // comes from the trigram index, with its count.
    const first = await get('/api/v1/cases?q=bulk case 1004&limit=5').expect(200);
    expect(first.body.total).toBe(11);
    expect(first.body.items).toHaveLength(5);
    const past = await get('/api/v1/cases?q=bulk case 1004&limit=5&offset=20').expect(200);
    expect(past.body).toMatchObject({ total: 11, items: [] });
  });

  it('cases: the search finds a word inside a title, through the trigram index', async () => {
    const found = await get('/api/v1/cases?q=kickback').expect(200);
    expect(found.body).toMatchObject({ total: 1, items: [{ caseNumber: 'LEG-2026-0007' }] });
    // The index can serve the search (the planner's choice at 10,000 rows is its own; at a million it takes it).
    const runner = t.get(DataSource).createQueryRunner();
    await runner.startTransaction();
    try {
      await runner.query('SET LOCAL enable_seqscan = off');
      const plan = await runner.query(`EXPLAIN (FORMAT JSON) SELECT id FROM cases WHERE search_text LIKE lower('%KickBack%')`);
      expect(JSON.stringify(plan)).toContain('cases_search_text_trgm_idx');
    } finally {
      await runner.rollbackTransaction();
      await runner.release();
    }
  });

  it('history: the same cap, exact counts under it, and filters by case number and rule name', async () => {
    const all = await get('/api/v1/workflows/history?limit=10').expect(200);
    expect(all.body).toMatchObject({ total: 10_000, totalIsLowerBound: true });
    const named = await get('/api/v1/workflows/history?q=overdue').expect(200);
    expect(named.body.total).toBe(10);
    expect(named.body.totalIsLowerBound).toBeUndefined();
    const byCase = await get('/api/v1/workflows/history?caseNumber=BLK-2026-00001&limit=1').expect(200);
    expect(byCase.body).toMatchObject({ total: 10_000, totalIsLowerBound: true });
  });
});
