import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { nextRuns } from '../../common/cron-schedule';
import type { CaseSnapshot } from '../../events/event-map';
import { conditionsMatch } from '../conditions/condition-evaluator';
import type { Condition } from '../conditions/condition-schema';
import { snapshotPrefilter } from '../conditions/condition-sql';
import { bearer, startTestApp, type TestApp, type TestUser, databaseDigest } from '../../../test/harness';
import { connectSocket } from '../../../test/sockets';
import { makeRule, patchCase, settle } from '../../../test/workflow-fixtures';

/** What the engine really did for a live rule: its history rows, their actions and the notifications it sent. */
async function whatTheEngineDid(t: TestApp, ruleId: string) {
  const rows = await t.sql<{ case_id: string; skipped_reason: string | null; actions_executed: Array<{ actionType: string }>; day: string }>(
    `SELECT h.case_id, h.skipped_reason, h.actions_executed, to_char(e.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day
       FROM workflow_history h JOIN domain_events e ON e.id = h.event_id WHERE h.rule_id = $1 AND h.retry_of IS NULL`, [ruleId]);
  const ran = rows.filter((r) => !r.skipped_reason);
  const actionCounts: Record<string, number> = {};
  for (const r of ran) for (const a of r.actions_executed) actionCounts[a.actionType] = (actionCounts[a.actionType] ?? 0) + 1;
  const perDay: Record<string, number> = {};
  for (const r of rows) perDay[r.day] = (perDay[r.day] ?? 0) + 1;
  const notified = await t.sql<{ user_id: string; n: string }>(
    `SELECT user_id, count(*) AS n FROM notifications WHERE rule_id = $1 GROUP BY user_id`, [ruleId]);
  return {
    eventsMatched: rows.length, casesAffected: new Set(ran.map((r) => r.case_id)).size, actionCounts, perDay,
    cooldown: rows.filter((r) => r.skipped_reason === 'COOLDOWN').length,
    notified: Object.fromEntries(notified.map((n) => [n.user_id, Number(n.n)])),
  };
}

describe('POST /workflows/rules/backtest', () => {
  let t: TestApp;
  let admin: TestUser;
  let fin: TestUser;
  let hr: TestUser;
  const post = (body: Record<string, unknown>, who?: TestUser) =>
    t.http().post('/api/v1/workflows/rules/backtest').set(...bearer(who ?? admin)).send(body);

  const reviewRule = (extra: Record<string, unknown> = {}) => ({
    triggerType: 'STATUS_CHANGE',
    triggerConfig: { toStatus: ['UNDER_REVIEW', 'CLOSED'], conditions: [{ field: 'severity', op: 'in', value: ['HIGH', 'CRITICAL'] }] },
    scopeCodes: ['FIN', 'HR'],
    actions: [
      // Fiona is named: she may not see HR, so for HR cases the whole notification fails (nobody is notified).
      { actionType: 'SEND_NOTIFICATION', actionConfig: { recipients: ['ASSIGNEE', 'OWNER', fin.id], title: 'Review {{case.caseNumber}}', message: 'Please look' } },
      { actionType: 'CREATE_TIMELINE', actionConfig: { message: 'sent to review' } },
    ],
    ...extra,
  });
  const tagRule = (extra: Record<string, unknown> = {}) => ({
    triggerType: 'CONDITION',
    triggerConfig: { conditions: [{ field: 'tags', op: 'contains', value: 'urgent' }, { field: 'status', op: 'neq', value: 'CLOSED' }] },
    actions: [{ actionType: 'ADD_TAG', actionConfig: { tag: 'escalated' } }],
    ...extra,
  });

  beforeAll(async () => {
    t = await startTestApp();
    admin = await t.makeUser({ role: 'ADMIN' });
    fin = await t.makeUser({ role: 'INVESTIGATOR', scopeCodes: ['FIN'] });
    hr = await t.makeUser({ role: 'INVESTIGATOR', scopeCodes: ['HR'] });
  }, 60_000);
  afterAll(() => t.close());

  it('agrees with what the engine did when the same rule was live over the same events, spread over several days', async () => {
    const liveReview = await makeRule(t, admin, { name: 'Live review', ...reviewRule() } as never);
    const liveTag = await makeRule(t, admin, { name: 'Live urgent', ...tagRule() } as never);
    // A generated week: 24 cases in two scopes, each walked through statuses and tagged on the way.
    const severities = ['LOW', 'HIGH', 'CRITICAL', 'MEDIUM'] as const;
    const cases = [];
    for (let i = 0; i < 24; i++) {
      const scopeCode = i % 3 === 0 ? 'HR' : 'FIN';
      cases.push(await t.makeCase(admin, { scopeCode, severity: severities[i % 4], assigneeId: i % 2 ? (scopeCode === 'HR' ? hr.id : fin.id) : undefined, tags: i % 5 === 0 ? ['urgent'] : [] }));
    }
    const walks = [['IN_PROGRESS', 'UNDER_REVIEW', 'CLOSED'], ['UNDER_REVIEW', 'IN_PROGRESS', 'UNDER_REVIEW'], ['CLOSED', 'OPEN', 'UNDER_REVIEW', 'CLOSED']];
    for (const [i, c] of cases.entries()) {
      for (const [step, status] of walks[i % 3].entries()) {
        await patchCase(t, admin, c.id, step === 1 && i % 4 === 1 ? { status, tags: ['urgent'] } : { status });
      }
    }
    await settle(t);
    // Spread the recorded events over six days, a case's events staying in their order.
    await t.sql(`UPDATE domain_events SET created_at = created_at - make_interval(days => abs(hashtext(case_id::text)) % 6)`);
    const live = { review: await whatTheEngineDid(t, liveReview.id), tag: await whatTheEngineDid(t, liveTag.id) };
    expect(live.review.eventsMatched).toBeGreaterThan(10);
    expect(live.tag.eventsMatched).toBeGreaterThan(2);
    expect(Object.keys(live.review.perDay).length).toBeGreaterThan(2);

    // Their disabled twins, created after the fact: never ran, but the backtest says what they would have done.
    const twinReview = await makeRule(t, admin, { name: 'Twin review', isEnabled: false, ...reviewRule() } as never);
    const before = await databaseDigest(t);
    const bySaved = (await post({ ruleId: twinReview.id, days: 7 }).expect(200)).body;
    const byDraft = (await post({ rule: { name: 'Draft urgent', isEnabled: false, cooldownSeconds: 0, ...tagRule() }, days: 7 }).expect(200)).body;
    const liveItself = (await post({ ruleId: liveReview.id, days: 7 }).expect(200)).body;
    expect(await databaseDigest(t)).toEqual(before);

    for (const [result, engine] of [[bySaved, live.review], [liveItself, live.review], [byDraft, live.tag]] as const) {
      expect(result.eventsMatched).toBe(engine.eventsMatched);
      expect(result.casesAffected).toBe(engine.casesAffected);
      expect(result.actionCounts).toEqual(engine.actionCounts);
      expect(result.skipped.cooldown).toBe(engine.cooldown);
      expect(Object.fromEntries(result.perDay.filter((d: any) => d.matched).map((d: any) => [d.date, d.matched]))).toEqual(engine.perDay);
      expect(Object.fromEntries(result.notificationsByRecipient.map((n: any) => [n.userId, n.count]))).toEqual(engine.notified);
    }
    const [{ n }] = await t.sql<{ n: string }>(`SELECT count(*) AS n FROM domain_events WHERE created_at > now() - interval '7 days'`);
    expect(bySaved.eventsScanned).toBe(Number(n));
    expect(bySaved.perDay.length).toBeGreaterThanOrEqual(7);
    expect(bySaved.notificationsByRecipient.find((r: any) => r.userId === fin.id)?.name).toBe(fin.name);
    expect(bySaved.samples.length).toBeGreaterThan(0);
    expect(bySaved.samples.length).toBeLessThanOrEqual(10);
    for (const sample of bySaved.samples) {
      const c = cases.find((x) => x.id === sample.caseId)!;
      expect(c.caseNumber).toBe(sample.caseNumber);
      // As a dry run would describe it: notifying in FIN, failing in HR (Fiona may not see it).
      expect(sample.wouldDo[0]).toMatch(c.scopeCode === 'FIN' ? /^SEND_NOTIFICATION: notify .*Review / : /^SEND_NOTIFICATION: would fail: .*may not see scope HR/);
    }
    const sample = bySaved.samples[0];
    expect(sample.wouldDo[1]).toBe('CREATE_TIMELINE: add timeline entry: sent to review');
    expect(bySaved.notes.join(' ')).toMatch(/cooldown/i);
    expect(bySaved.notes.join(' ')).toMatch(/disabled/);
    expect(bySaved.notes.join(' ')).toContain(`${fin.name} (OUT_OF_SCOPE) for scope HR`);
    expect(bySaved.nextRuns).toBeUndefined();

    // Paused by the circuit breaker: still asked what it would have done.
    await t.sql(`UPDATE workflow_rules SET paused_at = now(), paused_reason = 'test' WHERE id = $1`, [liveReview.id]);
    const paused = (await post({ ruleId: liveReview.id, days: 7 }).expect(200)).body;
    expect(paused.eventsMatched).toBe(live.review.eventsMatched);
    expect(paused.notes.join(' ')).toContain('paused (test)');
    await t.sql(`UPDATE workflow_rules SET paused_at = NULL, paused_reason = NULL WHERE id = $1`, [liveReview.id]);

    // A shorter window sees only the newest days' events.
    const oneDay = (await post({ ruleId: twinReview.id, days: 1 }).expect(200)).body;
    expect(oneDay.eventsMatched).toBeLessThan(bySaved.eventsMatched);
    expect(oneDay.eventsScanned).toBeLessThan(bySaved.eventsScanned);

    // A higher-priority rule that stops processing and matches everything the twin would: nothing left for it.
    const stopper = await makeRule(t, admin, { name: 'Stopper', priority: 1, stopProcessing: true, triggerType: 'STATUS_CHANGE', triggerConfig: {}, actions: [] } as never);
    const stopped = (await post({ ruleId: twinReview.id, days: 7 }).expect(200)).body;
    expect(stopped.eventsMatched).toBe(0);
    expect(stopped.skipped.stoppedByOtherRules).toBe(live.review.eventsMatched);
    await t.http().delete(`/api/v1/workflows/rules/${stopper.id}`).set(...bearer(admin)).expect(204);
  }, 120_000);

  it('simulates the rule\'s own cooldown as the engine applied it', async () => {
    const body = {
      triggerType: 'EVENT', triggerConfig: { event: 'case.updated' }, scopeCodes: ['IT'], cooldownSeconds: 3600,
      actions: [{ actionType: 'CREATE_TIMELINE', actionConfig: { message: 'touched' } }],
    };
    const live = await makeRule(t, admin, { name: 'Live cooldown', ...body } as never);
    for (let i = 0; i < 4; i++) {
      const c = await t.makeCase(admin, { scopeCode: 'IT' });
      for (let k = 0; k <= i; k++) await patchCase(t, admin, c.id, { title: `edit ${k}` });
    }
    await settle(t);
    const engine = await whatTheEngineDid(t, live.id);
    expect(engine.cooldown).toBe(0 + 1 + 2 + 3);
    const result = (await post({ rule: { name: 'Draft cooldown', ...body }, days: 1 }).expect(200)).body;
    expect(result.eventsMatched).toBe(engine.eventsMatched);
    expect(result.skipped.cooldown).toBe(engine.cooldown);
    expect(result.actionCounts).toEqual(engine.actionCounts);
    expect(result.casesAffected).toBe(4);
    // The live rule itself, by id: the same answer (its runs all lie inside the window).
    const itself = (await post({ ruleId: live.id, days: 1 }).expect(200)).body;
    expect([itself.eventsMatched, itself.skipped.cooldown, itself.casesAffected]).toEqual([engine.eventsMatched, engine.cooldown, 4]);
  }, 60_000);

  it('counts a saved rule\'s run just before the window in its cooldown (a draft cannot know it)', async () => {
    const body = {
      triggerType: 'EVENT', triggerConfig: { event: 'case.updated' }, scopeCodes: ['LAB'], cooldownSeconds: 3600,
      actions: [{ actionType: 'CREATE_TIMELINE', actionConfig: { message: 'seen' } }],
    };
    const live = await makeRule(t, admin, { name: 'Live before window', ...body } as never);
    const c = await t.makeCase(admin, { scopeCode: 'LAB' });
    await patchCase(t, admin, c.id, { title: 'first' });
    await settle(t);
    await patchCase(t, admin, c.id, { title: 'second' });
    await settle(t);
    // The first update and its run 10 minutes before a one-day window, the second 10 minutes into it.
    const updates = await t.sql<{ id: string }>(`SELECT id FROM domain_events WHERE case_id = $1 AND name = 'case.updated' ORDER BY seq`, [c.id]);
    await t.sql(`UPDATE domain_events SET created_at = now() - interval '1 day 10 minutes' WHERE id = $1`, [updates[0].id]);
    await t.sql(`UPDATE workflow_history SET created_at = now() - interval '1 day 10 minutes' WHERE event_id = $1`, [updates[0].id]);
    await t.sql(`UPDATE domain_events SET created_at = now() - interval '1 day' + interval '10 minutes' WHERE id = $1`, [updates[1].id]);
    const saved = (await post({ ruleId: live.id, days: 1 }).expect(200)).body;
    expect([saved.eventsMatched, saved.skipped.cooldown, saved.casesAffected]).toEqual([1, 1, 0]);
    const draft = (await post({ rule: { name: 'Draft before window', ...body }, days: 1 }).expect(200)).body;
    expect([draft.eventsMatched, draft.skipped.cooldown, draft.casesAffected]).toEqual([1, 0, 1]);
  }, 60_000);

  it('shows progress on the requesting admin\'s sockets when asked with a progressId', async () => {
    const socket = await connectSocket(t.url, admin.token);
    const other = await connectSocket(t.url, (await t.makeUser({ role: 'ADMIN' })).token);
    try {
      const result = (await post({ rule: { name: 'Progress', ...reviewRule() }, days: 7, progressId: 'p-1' }).expect(200)).body;
      const last = await socket.next('workflow:backtest-progress', (p) => p.progressId === 'p-1' && p.finished);
      expect(last.done).toBe(last.total);
      expect(last.total).toBeGreaterThanOrEqual(result.eventsMatched);
      expect(other.of('workflow:backtest-progress')).toEqual([]);
    } finally {
      socket.close();
      other.close();
    }
  });

  it('answers the next five ticks of a TIME_BASED rule and how many cases each would find', async () => {
    await t.makeCase(admin, { scopeCode: 'FIN', severity: 'CRITICAL' });
    await t.makeCase(admin, { scopeCode: 'HR', severity: 'CRITICAL' });
    await settle(t); // the outbox marks their events processed: let that finish before comparing the database
    const rule = {
      name: 'Morning critical', triggerType: 'TIME_BASED', scopeCodes: ['FIN'],
      triggerConfig: { cron: '0 8 * * 1-5', timeZone: 'Europe/Berlin', conditions: [{ field: 'severity', op: 'eq', value: 'CRITICAL' }] },
      actions: [{ actionType: 'ADD_TAG', actionConfig: { tag: 'morning' } }],
    };
    const before = await databaseDigest(t);
    const res = (await post({ rule, days: 3 }).expect(200)).body;
    expect(await databaseDigest(t)).toEqual(before);
    const [{ n }] = await t.sql<{ n: string }>(`SELECT count(*) AS n FROM cases WHERE severity = 'CRITICAL' AND scope_code = 'FIN'`);
    const expected = nextRuns('0 8 * * 1-5', 'Europe/Berlin', 5, new Date(res.to)).map((d) => d.toISOString());
    expect(res.nextRuns).toEqual(expected.map((at) => ({ at, casesMatchingNow: Number(n) })));
    expect(Number(n)).toBeGreaterThan(0);
    expect(res.eventsScanned).toBe(0);
    expect(res.notes.join(' ')).toContain('Europe/Berlin');
  });

  it('refuses bad requests with 400 naming the problem (404 for an unknown rule, 403 for non-admins)', async () => {
    const rule = { name: 'x', ...reviewRule() };
    for (const days of [0, 8, 1.5, -1]) {
      const res = await post({ rule, days }).expect(400);
      expect(JSON.stringify(res.body.message)).toMatch(/days/);
    }
    expect(JSON.stringify((await post({ rule, days: 8 }).expect(400)).body.message)).toContain('from 1 to 7');
    await post({ days: 3 }).expect(400);
    expect(JSON.stringify((await post({ rule, ruleId: '00000000-0000-4000-8000-000000000001', days: 3 }).expect(400)).body.message)).toContain('not both');
    await post({ rule: { ...rule, triggerConfig: { toStatus: ['NOPE'] } }, days: 3 }).expect(400);
    await post({ ruleId: 'nope', days: 3 }).expect(400);
    await post({ rule, days: 3, extra: true }).expect(400);
    await post({ ruleId: '00000000-0000-4000-8000-000000000001', days: 3 }).expect(404);
    await post({ rule, days: 3 }, fin).expect(403);
  });

  it('pre-filters recorded snapshots in SQL without ever dropping one the matcher keeps (exactly equal when every condition is exact)', async () => {
    const STATUSES = ['OPEN', 'IN_PROGRESS', 'UNDER_REVIEW', 'CLOSED'];
    const snap = fc.record({
      status: fc.constantFrom(...STATUSES), severity: fc.constantFrom('LOW', 'MEDIUM', 'HIGH', 'CRITICAL'),
      caseType: fc.constantFrom('AUDIT', 'INCIDENT'), scopeCode: fc.constantFrom('FIN', 'HR'),
      assigneeId: fc.constantFrom(null, fin.id, hr.id), tags: fc.subarray(['a', 'b', 'urgent']), evidenceCount: fc.integer({ min: 0, max: 3 }),
      title: fc.constantFrom('Vendor Payments', 'ÉCLAIR audit', 'x'), dueDate: fc.constantFrom(null, '2026-01-01T00:00:00.000Z'),
    });
    const snapshots = fc.sample(snap, 300).map((c, i): CaseSnapshot => ({
      id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, caseNumber: `P-${i}`, description: '', ownerId: null,
      createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z', closedAt: null, ...c,
    }));
    const condition: fc.Arbitrary<Condition> = fc.oneof(
      fc.record({ field: fc.constant('status'), op: fc.constantFrom('eq', 'neq'), value: fc.constantFrom(...STATUSES) }),
      fc.record({ field: fc.constant('severity'), op: fc.constantFrom('gt', 'lt'), value: fc.constantFrom('MEDIUM', 'HIGH') }),
      fc.record({ field: fc.constant('severity'), op: fc.constantFrom('in', 'notIn'), value: fc.subarray(['LOW', 'HIGH', 'CRITICAL'], { minLength: 1 }) }),
      fc.record({ field: fc.constant('scopeCode'), op: fc.constantFrom('eq', 'neq'), value: fc.constantFrom('FIN', 'HR') }),
      fc.record({ field: fc.constant('assigneeId'), op: fc.constantFrom('isEmpty', 'isNotEmpty') }),
      fc.record({ field: fc.constant('assigneeId'), op: fc.constant('eq'), value: fc.constant(fin.id) }),
      fc.record({ field: fc.constant('tags'), op: fc.constantFrom('contains'), value: fc.constantFrom('a', 'urgent') }),
      fc.record({ field: fc.constant('tags'), op: fc.constantFrom('in', 'notIn'), value: fc.subarray(['a', 'b'], { minLength: 1 }) }),
      fc.record({ field: fc.constant('tags'), op: fc.constantFrom('isEmpty', 'isNotEmpty') }),
      fc.record({ field: fc.constant('evidenceCount'), op: fc.constantFrom('gt', 'lt', 'eq'), value: fc.integer({ min: 0, max: 3 }) }),
      fc.record({ field: fc.constant('title'), op: fc.constant('contains'), value: fc.constantFrom('éclair', 'vendor') }),
      fc.record({ field: fc.constant('dueDate'), op: fc.constantFrom('isEmpty', 'olderThanHours'), value: fc.constant(24) }),
    ) as fc.Arbitrary<Condition>;
    await t.sql(`CREATE TABLE prefilter_probe (id text PRIMARY KEY, payload jsonb NOT NULL)`);
    try {
      await t.sql(`INSERT INTO prefilter_probe SELECT x->>'id', jsonb_build_object('case', x) FROM jsonb_array_elements($1::jsonb) x`, [JSON.stringify(snapshots)]);
      const at = new Date();
      for (const [conditions, match] of fc.sample(fc.tuple(fc.array(condition, { minLength: 1, maxLength: 3 }), fc.constantFrom('ALL' as const, 'ANY' as const)), 150)) {
        const cleaned = conditions.map((c) => (c.op === 'isEmpty' || c.op === 'isNotEmpty' ? { field: c.field, op: c.op } : c)) as Condition[];
        const keep = new Set(snapshots.filter((c) => conditionsMatch(c, cleaned, match, at)).map((c) => c.id));
        const filter = snapshotPrefilter(cleaned, match, `payload->'case'`, 1);
        if (!filter) continue;
        const rows = await t.sql<{ id: string }>(`SELECT id FROM prefilter_probe WHERE ${filter.sql}`, filter.params);
        const fetched = new Set(rows.map((r) => r.id));
        for (const id of keep) expect({ conditions: cleaned, match, id, fetched: fetched.has(id) }).toEqual({ conditions: cleaned, match, id, fetched: true });
        const allExact = cleaned.every((c) => c.field !== 'title' && c.field !== 'dueDate');
        if (allExact) expect({ conditions: cleaned, match, size: fetched.size }).toEqual({ conditions: cleaned, match, size: keep.size });
      }
    } finally {
      await t.sql('DROP TABLE prefilter_probe');
    }
  });
});
