import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { OutboxDispatcher } from '../../events/outbox-dispatcher.service';
import { bearer, eventually, startTestApp, type TestApp, type TestUser } from '../../../test/harness';
import { makeRule } from '../../../test/workflow-fixtures';

const PAUSE_AFTER = 3;

/**
 * CONTRACT §12 circuit breaker, across two processes on one database: failed runs are counted in the rule's
 * row, so failures split between the processes still pause the rule after exactly RULE_PAUSE_AFTER_FAILURES.
 * Neither process dispatches on its own: the test hands each event to one process or the other.
 */
describe('circuit breaker', () => {
  let a: TestApp;
  let b: TestApp;
  let admin: TestUser;
  let otherAdmin: TestUser;
  let gone: TestUser;
  let rule: any;
  const env = { OUTBOX_DISPATCHER: 'off', SCHEDULER: 'off', RULE_PAUSE_AFTER_FAILURES: String(PAUSE_AFTER) };

  beforeAll(async () => {
    a = await startTestApp({ env });
    b = await startTestApp({ databaseUrl: a.databaseUrl, env });
    admin = await a.makeUser({ role: 'ADMIN' });
    otherAdmin = await a.makeUser({ role: 'ADMIN' });
    gone = await a.makeUser({ role: 'INVESTIGATOR' });
    // Fails on every run once its user is deactivated: an action an admin has to fix.
    rule = await makeRule(a, admin, {
      name: 'Assign to Gone', triggerType: 'EVENT', triggerConfig: { event: 'case.created' }, scopeCodes: ['CB'],
      actions: [{ actionType: 'ASSIGN_USER', actionConfig: { userId: gone.id } }],
    });
    await setActive(false);
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  async function setActive(isActive: boolean): Promise<void> {
    await a.http().patch(`/api/v1/users/${gone.id}`).set(...bearer(admin)).send({ isActive }).expect(200);
  }

  /** One case.created, processed by `by` alone; returns the event id. */
  async function oneEvent(by: TestApp): Promise<string> {
    const c = await a.makeCase(admin, { scopeCode: 'CB' });
    const [{ id }] = await a.sql<{ id: string }>('SELECT id FROM domain_events WHERE case_id = $1', [c.id]);
    while ((await by.get(OutboxDispatcher).processBatch()) > 0) { /* until the outbox is empty */ }
    const [{ processed }] = await a.sql<{ processed: boolean }>('SELECT processed_at IS NOT NULL AS processed FROM domain_events WHERE id = $1', [id]);
    expect(processed).toBe(true);
    return id;
  }

  const failedRuns = async () => Number((await a.sql<{ n: string }>(
    'SELECT count(*) AS n FROM workflow_history WHERE rule_id = $1 AND NOT success', [rule.id]))[0].n);
  const getRule = async (app: TestApp) => (await app.http().get(`/api/v1/workflows/rules/${rule.id}`).set(...bearer(admin)).expect(200)).body;
  const urgentAbout = (user: TestUser) => a.sql<{ title: string; message: string; link_url: string; priority: string }>(
    `SELECT title, message, link_url, priority FROM notifications WHERE user_id = $1 AND entity_id = $2`, [user.id, rule.id]);

  it('pauses a rule after exactly N consecutive failures split between two processes, and it runs no more', async () => {
    const processes = [a, b];
    for (let i = 0; i < PAUSE_AFTER - 1; i++) await oneEvent(processes[i % 2]);
    expect(await failedRuns()).toBe(PAUSE_AFTER - 1);
    expect((await getRule(b)).pausedAt).toBeNull();

    await oneEvent(processes[(PAUSE_AFTER - 1) % 2]);
    expect(await failedRuns()).toBe(PAUSE_AFTER);
    const paused = await getRule(b);
    expect(paused.pausedAt).toEqual(expect.any(String));
    expect(paused.isEnabled).toBe(true);
    expect(paused.pausedReason).toContain(`Paused after ${PAUSE_AFTER} consecutive failures`);
    expect(paused.pausedReason).toContain('ASSIGN_USER');

    // Both processes now leave it alone: no more runs, and the trace says why.
    const later = [await oneEvent(a), await oneEvent(b)];
    expect(await failedRuns()).toBe(PAUSE_AFTER);
    const trace = (await b.http().get(`/api/v1/workflows/events/${later[1]}/trace`).set(...bearer(admin)).expect(200)).body;
    const entry = trace.items.find((i: { ruleId: string }) => i.ruleId === rule.id);
    expect(entry.outcome).toBe('DISABLED');
    expect(entry.reasons.join(' ')).toContain('paused');

    // The dry run still evaluates it, and says it would not run while paused.
    const probe = await a.makeCase(admin, { scopeCode: 'CB' });
    const dry = (await a.http().post(`/api/v1/workflows/rules/${rule.id}/test`).set(...bearer(admin)).send({ caseId: probe.id }).expect(200)).body;
    expect(dry.matched).toBe(true);
    expect(dry.reasons.join(' ')).toContain('paused');
    while ((await a.get(OutboxDispatcher).processBatch()) > 0) { /* its case.created: the paused rule does not run */ }

    // The list shows it paused; every admin got one URGENT notification linking the rule.
    const list = (await a.http().get('/api/v1/workflows/rules').set(...bearer(admin)).expect(200)).body;
    expect(list.items.find((r: { id: string }) => r.id === rule.id).pausedReason).toBe(paused.pausedReason);
    for (const who of [admin, otherAdmin]) {
      expect(await urgentAbout(who)).toEqual([expect.objectContaining({ priority: 'URGENT', link_url: `/workflows/rules/${rule.id}` })]);
    }
    expect(await urgentAbout(gone)).toEqual([]);
    // A revision and an audit entry record the pause, made by no one.
    const revisions = (await a.http().get(`/api/v1/workflows/rules/${rule.id}/revisions`).set(...bearer(admin)).expect(200)).body;
    expect(revisions.items[0]).toMatchObject({ change: 'PAUSED', changedBy: null });
    const audit = (await a.http().get(`/api/v1/audit-log?action=RULE_PAUSED&targetId=${rule.id}`).set(...bearer(admin)).expect(200)).body;
    expect(audit.items).toEqual([expect.objectContaining({ actorId: null, detail: expect.objectContaining({ name: 'Assign to Gone' }) })]);
  });

  it('resume clears the pause and the count; a success resets the count', async () => {
    const res = await b.http().post(`/api/v1/workflows/rules/${rule.id}/resume`).set(...bearer(admin)).expect(200);
    expect(res.body).toMatchObject({ id: rule.id, pausedAt: null, pausedReason: null, isEnabled: true });
    expect((await a.sql<{ n: number }>('SELECT consecutive_failures AS n FROM workflow_rules WHERE id = $1', [rule.id]))[0].n).toBe(0);
    await b.http().post(`/api/v1/workflows/rules/${rule.id}/resume`).set(...bearer(admin)).expect(409);
    const audit = (await a.http().get(`/api/v1/audit-log?action=RULE_RESUMED&targetId=${rule.id}`).set(...bearer(admin)).expect(200)).body;
    expect(audit.items).toEqual([expect.objectContaining({ actorId: admin.id })]);

    // N - 1 failures, a success, N - 1 failures again: never N in a row, so it keeps running.
    const before = await failedRuns();
    for (let i = 0; i < PAUSE_AFTER - 1; i++) await oneEvent(i % 2 ? a : b);
    await setActive(true);
    await oneEvent(a);
    await setActive(false);
    for (let i = 0; i < PAUSE_AFTER - 1; i++) await oneEvent(i % 2 ? b : a);
    expect(await failedRuns()).toBe(before + 2 * (PAUSE_AFTER - 1));
    expect((await getRule(a)).pausedAt).toBeNull();

    // One more failure makes N in a row.
    await oneEvent(b);
    expect((await getRule(a)).pausedAt).toEqual(expect.any(String));
  });

  it('with both processes working a burst of failing events at once, the rule is paused once and every event is processed', async () => {
    const burst = await makeRule(a, admin, {
      name: 'Burst to Gone', triggerType: 'EVENT', triggerConfig: { event: 'case.created' }, scopeCodes: ['CBX'],
      actions: [{ actionType: 'ASSIGN_USER', actionConfig: { userId: gone.id } }],
    });
    const cases = [];
    for (let i = 0; i < 4 * PAUSE_AFTER; i++) cases.push(await a.makeCase(admin, { scopeCode: 'CBX' }));
    const drain = async (app: TestApp) => { while ((await app.get(OutboxDispatcher).processBatch()) > 0) { /* until empty */ } };
    await Promise.all([drain(a), drain(b), drain(a), drain(b)]);
    const [{ pending }] = await a.sql<{ pending: number }>(
      'SELECT count(*)::int AS pending FROM domain_events WHERE case_id = ANY($1) AND (processed_at IS NULL OR attempts > 0)', [cases.map((c) => c.id)]);
    expect(pending).toBe(0);
    const [{ failed }] = await a.sql<{ failed: number }>('SELECT count(*)::int AS failed FROM workflow_history WHERE rule_id = $1 AND NOT success', [burst.id]);
    // Runs already under way in the other process when the pause committed still finish; no later one starts.
    expect(failed).toBeGreaterThanOrEqual(PAUSE_AFTER);
    expect(failed).toBeLessThan(4 * PAUSE_AFTER);
    const [{ pausedAt }] = await a.sql<{ pausedAt: Date | null }>('SELECT paused_at AS "pausedAt" FROM workflow_rules WHERE id = $1', [burst.id]);
    expect(pausedAt).not.toBeNull();
    const notices = await a.sql('SELECT 1 FROM notifications WHERE user_id = $1 AND entity_id = $2', [admin.id, burst.id]);
    expect(notices).toHaveLength(1);
    const revisions = await a.sql(`SELECT 1 FROM workflow_rule_revisions WHERE rule_id = $1 AND change = 'PAUSED'`, [burst.id]);
    expect(revisions).toHaveLength(1);
  });

  it('resume is for admins only, and an unknown rule is 404', async () => {
    const investigator = await a.makeUser({ role: 'INVESTIGATOR' });
    await a.http().post(`/api/v1/workflows/rules/${rule.id}/resume`).set(...bearer(investigator)).expect(403);
    await a.http().post('/api/v1/workflows/rules/00000000-0000-4000-8000-000000000000/resume').set(...bearer(admin)).expect(404);
  });
});

describe('circuit breaker on a schedule', () => {
  let t: TestApp;
  let admin: TestUser;

  beforeAll(async () => {
    t = await startTestApp({ env: { OUTBOX_DISPATCHER: 'off', RULE_PAUSE_AFTER_FAILURES: String(PAUSE_AFTER) } });
    admin = await t.makeUser({ role: 'ADMIN' });
  });
  afterAll(() => t?.close());

  it('a TIME_BASED rule stops within the tick that pauses it, and no later tick runs it', async () => {
    const gone = await t.makeUser({ role: 'INVESTIGATOR' });
    for (let i = 0; i < 3 * PAUSE_AFTER; i++) await t.makeCase(admin, { scopeCode: 'CBT' });
    await t.http().patch(`/api/v1/users/${gone.id}`).set(...bearer(admin)).send({ isActive: false }).expect(200);
    const rule = await makeRule(t, admin, {
      triggerType: 'TIME_BASED', scopeCodes: ['CBT'],
      triggerConfig: { cron: '* * * * * *', conditions: [{ field: 'status', op: 'eq', value: 'OPEN' }] },
      actions: [{ actionType: 'ASSIGN_USER', actionConfig: { userId: gone.id } }],
    });
    await eventually(async () => (await t.sql('SELECT 1 FROM workflow_rules WHERE id = $1 AND paused_at IS NOT NULL', [rule.id])).length > 0,
      15_000, 'the rule paused');
    // A few more seconds of schedule: nothing else runs.
    await new Promise((r) => setTimeout(r, 2500));
    const [{ failed }] = await t.sql<{ failed: number }>('SELECT count(*)::int AS failed FROM workflow_history WHERE rule_id = $1 AND NOT success', [rule.id]);
    expect(failed).toBe(PAUSE_AFTER);
  });
});
