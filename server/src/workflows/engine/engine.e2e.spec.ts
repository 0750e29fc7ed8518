import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { bearer, eventually, startTestApp, type TestApp, type TestUser } from '../../../test/harness';
import { connectSocket } from '../../../test/sockets';
import { historyFor, makeRule, patchCase, settle, timelineOf } from '../../../test/workflow-fixtures';

describe('workflow engine', () => {
  let t: TestApp;
  let admin: TestUser;
  let alice: TestUser;
  let bob: TestUser;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await t.makeUser({ role: 'ADMIN', name: 'Ada Admin' });
    alice = await t.makeUser({ role: 'INVESTIGATOR', name: 'Alice' });
    bob = await t.makeUser({ role: 'INVESTIGATOR', name: 'Bob' });
  });
  afterAll(() => t.close());

  /** Every test uses its own scope so rules of one test never touch cases of another. */
  let scopeN = 0;
  const freshScope = () => `S${Date.now().toString(36).toUpperCase().slice(-5)}${++scopeN}`;

  it('STATUS_CHANGE: notifies the assignee, tags the case and writes a timeline entry, all traceable to the rule', async () => {
    const scope = freshScope();
    const rule = await makeRule(t, admin, {
      name: `review ${scope}`, scopeCodes: [scope],
      triggerType: 'STATUS_CHANGE', triggerConfig: { toStatus: ['UNDER_REVIEW'] },
      actions: [
        { actionType: 'SEND_NOTIFICATION', actionConfig: { recipients: ['ASSIGNEE'], title: '{{case.caseNumber}} needs review', message: 'Moved from {{case.previousStatus}} by {{actor.name}} ({{rule.name}})', priority: 'HIGH' } },
        { actionType: 'ADD_TAG', actionConfig: { tag: 'Needs-Review' } },
        { actionType: 'CREATE_TIMELINE', actionConfig: { message: 'Review requested for {{case.title}}' } },
      ],
    });
    const c = await t.makeCase(admin, { scopeCode: scope, assigneeId: alice.id, title: 'Ledger gaps' });
    await patchCase(t, bob, c.id, { status: 'UNDER_REVIEW' });
    await settle(t);

    const [run] = await historyFor(t, { ruleId: rule.id });
    expect(run).toMatchObject({ success: true, case_id: c.id, event_name: 'case.status_changed', depth: 0, skipped_reason: null, rule_name: `review ${scope}` });
    expect(run.actions_executed.map((a: any) => [a.actionType, a.success])).toEqual([['SEND_NOTIFICATION', true], ['ADD_TAG', true], ['CREATE_TIMELINE', true]]);

    const [n] = await t.sql<any>('SELECT * FROM notifications WHERE user_id = $1 AND entity_id = $2', [alice.id, c.id]);
    expect(n).toMatchObject({ title: `${c.caseNumber} needs review`, message: `Moved from OPEN by Bob (review ${scope})`, priority: 'HIGH', rule_id: rule.id, link_url: `/cases/${c.id}` });

    const after = (await t.http().get(`/api/v1/cases/${c.id}`).set(...bearer(admin))).body;
    expect(after.tags).toContain('needs-review');
    const timeline = await timelineOf(t, c.id);
    const byRule = timeline.filter((e) => e.rule_id === rule.id);
    expect(byRule.map((e) => e.kind)).toEqual(['TAG', 'WORKFLOW']);
    expect(byRule[1].message).toBe('Review requested for Ledger gaps');
    expect(byRule.every((e) => e.actor_id === null)).toBe(true);
  });

  it('STATUS_CHANGE honours fromStatus/toStatus and conditions', async () => {
    const scope = freshScope();
    const rule = await makeRule(t, admin, {
      scopeCodes: [scope], triggerType: 'STATUS_CHANGE',
      triggerConfig: { fromStatus: ['IN_PROGRESS'], toStatus: ['CLOSED'], conditions: [{ field: 'severity', op: 'gt', value: 'MEDIUM' }] },
      actions: [{ actionType: 'ADD_TAG', actionConfig: { tag: 'closed-high' } }],
    });
    const low = await t.makeCase(admin, { scopeCode: scope, severity: 'LOW' });
    const high = await t.makeCase(admin, { scopeCode: scope, severity: 'HIGH' });
    const skipped = await t.makeCase(admin, { scopeCode: scope, severity: 'HIGH' });
    for (const c of [low, high]) {
      await patchCase(t, admin, c.id, { status: 'IN_PROGRESS' });
      await patchCase(t, admin, c.id, { status: 'CLOSED' });
    }
    await patchCase(t, admin, skipped.id, { status: 'CLOSED' }); // from OPEN, not IN_PROGRESS
    await settle(t);
    const runs = await historyFor(t, { ruleId: rule.id });
    expect(runs.map((r) => r.case_id)).toEqual([high.id]);
  });

  it('EVENT trigger on evidence.uploaded and case.created, with every action type', async () => {
    const scope = freshScope();
    const onCreate = await makeRule(t, admin, {
      scopeCodes: [scope], triggerType: 'EVENT', triggerConfig: { event: 'case.created', conditions: [{ field: 'assigneeId', op: 'isEmpty' }] },
      actions: [
        { actionType: 'ASSIGN_USER', actionConfig: { userId: bob.id } },
        { actionType: 'CHANGE_STATUS', actionConfig: { status: 'IN_PROGRESS' } },
      ],
    });
    const onEvidence = await makeRule(t, admin, {
      scopeCodes: [scope], triggerType: 'EVENT', triggerConfig: { event: 'evidence.uploaded' },
      actions: [{ actionType: 'CREATE_TIMELINE', actionConfig: { message: 'Evidence {{evidence.filename}} received for {{case.caseNumber}}' } }],
    });
    const c = await t.makeCase(admin, { scopeCode: scope });
    await settle(t);
    const afterCreate = (await t.http().get(`/api/v1/cases/${c.id}`).set(...bearer(admin))).body;
    expect(afterCreate).toMatchObject({ assigneeId: bob.id, status: 'IN_PROGRESS' });
    expect((await historyFor(t, { ruleId: onCreate.id }))).toHaveLength(1);

    await t.http().post(`/api/v1/cases/${c.id}/evidence`).set(...bearer(alice)).attach('file', Buffer.from('invoice data'), 'invoice-42.txt').expect(201);
    await settle(t);
    const [run] = await historyFor(t, { ruleId: onEvidence.id });
    expect(run.success).toBe(true);
    const timeline = await timelineOf(t, c.id);
    expect(timeline.find((e) => e.kind === 'WORKFLOW')?.message).toBe(`Evidence invoice-42.txt received for ${c.caseNumber}`);
  });

  it('CONDITION fires on the edge from not matching to matching, not on every change while it matches', async () => {
    const scope = freshScope();
    const rule = await makeRule(t, admin, {
      scopeCodes: [scope], triggerType: 'CONDITION',
      triggerConfig: { match: 'ALL', conditions: [{ field: 'severity', op: 'eq', value: 'CRITICAL' }, { field: 'tags', op: 'contains', value: 'fraud' }] },
      actions: [{ actionType: 'SEND_NOTIFICATION', actionConfig: { recipients: ['ADMINS'], title: 'Critical fraud: {{case.caseNumber}}', message: '{{case.title}}', priority: 'URGENT' } }],
    });
    const c = await t.makeCase(admin, { scopeCode: scope, severity: 'CRITICAL' });
    await patchCase(t, alice, c.id, { tags: ['fraud'] });        // edge: fires
    await patchCase(t, alice, c.id, { title: 'Renamed' });         // still matching: no fire
    await patchCase(t, alice, c.id, { severity: 'HIGH' });         // stops matching
    await patchCase(t, alice, c.id, { severity: 'CRITICAL' });     // edge again: fires
    await settle(t);
    const runs = await historyFor(t, { ruleId: rule.id });
    expect(runs).toHaveLength(2);
    expect(runs.every((r) => r.success)).toBe(true);
  });

  it('runs rules in priority order; stopProcessing keeps later rules from running for that event', async () => {
    const scope = freshScope();
    const late = await makeRule(t, admin, { scopeCodes: [scope], priority: 50, triggerType: 'EVENT', triggerConfig: { event: 'case.created' },
      actions: [{ actionType: 'ADD_TAG', actionConfig: { tag: 'second' } }] });
    const first = await makeRule(t, admin, { scopeCodes: [scope], priority: 10, triggerType: 'EVENT', triggerConfig: { event: 'case.created' },
      actions: [{ actionType: 'ADD_TAG', actionConfig: { tag: 'first' } }] });
    const c = await t.makeCase(admin, { scopeCode: scope });
    await settle(t);
    const runs = await t.sql<any>('SELECT rule_id FROM workflow_history WHERE case_id = $1 ORDER BY created_at', [c.id]);
    expect(runs.map((r) => r.rule_id)).toEqual([first.id, late.id]);
    expect((await t.http().get(`/api/v1/cases/${c.id}`).set(...bearer(admin))).body.tags).toEqual(['first', 'second']);

    await t.http().patch(`/api/v1/workflows/rules/${first.id}`).set(...bearer(admin)).send({ stopProcessing: true }).expect(200);
    const c2 = await t.makeCase(admin, { scopeCode: scope });
    await settle(t);
    const runs2 = await t.sql<any>('SELECT rule_id FROM workflow_history WHERE case_id = $1', [c2.id]);
    expect(runs2.map((r) => r.rule_id)).toEqual([first.id]);
  });

  it('stops a ping-pong loop at depth 3 with MAX_DEPTH rows', async () => {
    const scope = freshScope();
    const ping = await makeRule(t, admin, { scopeCodes: [scope], triggerType: 'STATUS_CHANGE', triggerConfig: { toStatus: ['UNDER_REVIEW'] },
      actions: [{ actionType: 'CHANGE_STATUS', actionConfig: { status: 'IN_PROGRESS' } }] });
    const pong = await makeRule(t, admin, { scopeCodes: [scope], triggerType: 'STATUS_CHANGE', triggerConfig: { toStatus: ['IN_PROGRESS'] },
      actions: [{ actionType: 'CHANGE_STATUS', actionConfig: { status: 'UNDER_REVIEW' } }] });
    const c = await t.makeCase(admin, { scopeCode: scope });
    await patchCase(t, admin, c.id, { status: 'UNDER_REVIEW' });
    await settle(t);
    const runs = await historyFor(t, { caseId: c.id });
    // depth 0 (person) → ping runs; 1 → pong; 2 → ping; 3 → pong; depth 4 → MAX_DEPTH, nothing runs.
    expect(runs.map((r) => [r.depth, r.rule_id === ping.id ? 'ping' : r.rule_id === pong.id ? 'pong' : r.rule_id, r.skipped_reason])).toEqual([
      [0, 'ping', null], [1, 'pong', null], [2, 'ping', null], [3, 'pong', null], [4, 'ping', 'MAX_DEPTH'],
    ]);
    const [{ n }] = await t.sql<any>('SELECT count(*) AS n FROM domain_events WHERE case_id = $1 AND depth > 4', [c.id]);
    expect(Number(n)).toBe(0);
  });

  it('cooldown: a rule that ran for a case skips it within cooldownSeconds, leaving a COOLDOWN row', async () => {
    const scope = freshScope();
    const rule = await makeRule(t, admin, { scopeCodes: [scope], cooldownSeconds: 3600, triggerType: 'EVENT', triggerConfig: { event: 'case.updated' },
      actions: [{ actionType: 'CREATE_TIMELINE', actionConfig: { message: 'updated' } }] });
    const c = await t.makeCase(admin, { scopeCode: scope });
    await patchCase(t, admin, c.id, { title: 'one' });
    await patchCase(t, admin, c.id, { title: 'two' });
    await settle(t);
    const runs = await historyFor(t, { ruleId: rule.id });
    expect(runs.map((r) => r.skipped_reason)).toEqual([null, 'COOLDOWN']);
    expect((await timelineOf(t, c.id)).filter((e) => e.kind === 'WORKFLOW')).toHaveLength(1);
  });

  it('a failing action is recorded with a clear error and the remaining actions still run', async () => {
    const scope = freshScope();
    const gone = await t.makeUser({ role: 'INVESTIGATOR', name: 'Gone Gary' });
    const rule = await makeRule(t, admin, { scopeCodes: [scope], triggerType: 'EVENT', triggerConfig: { event: 'case.created' },
      actions: [
        { actionType: 'ASSIGN_USER', actionConfig: { userId: gone.id } },
        { actionType: 'ADD_TAG', actionConfig: { tag: 'after-failure' } },
      ] });
    await t.http().patch(`/api/v1/users/${gone.id}`).set(...bearer(admin)).send({ isActive: false }).expect(200);
    const c = await t.makeCase(admin, { scopeCode: scope });
    await settle(t);
    const [run] = await historyFor(t, { ruleId: rule.id });
    expect(run.success).toBe(false);
    expect(run.error_message).toMatch(/Gone Gary is deactivated/);
    expect(run.actions_executed.map((a: any) => a.success)).toEqual([false, true]);
    const after = (await t.http().get(`/api/v1/cases/${c.id}`).set(...bearer(admin))).body;
    expect(after).toMatchObject({ assigneeId: null, tags: ['after-failure'] });
  });

  it('ASSIGN_USER strategies: ROUND_ROBIN takes turns; LEAST_LOADED picks the user with the fewest open cases; out-of-scope users never chosen', async () => {
    const scope = freshScope();
    const r1 = await t.makeUser({ role: 'VIEWER', scopeCodes: [scope] });
    const r2 = await t.makeUser({ role: 'VIEWER', scopeCodes: [scope] });
    await t.makeUser({ role: 'VIEWER', scopeCodes: ['ELSEWHERE'] });
    const rr = await makeRule(t, admin, { scopeCodes: [scope], caseTypes: ['AUDIT'], triggerType: 'EVENT', triggerConfig: { event: 'case.created' },
      actions: [{ actionType: 'ASSIGN_USER', actionConfig: { strategy: 'ROUND_ROBIN', role: 'VIEWER' } }] });
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) ids.push((await t.makeCase(admin, { scopeCode: scope, caseType: 'AUDIT' })).id);
    await settle(t);
    const assignees = await Promise.all(ids.map(async (id) => (await t.http().get(`/api/v1/cases/${id}`).set(...bearer(admin))).body.assigneeId));
    expect(new Set(assignees)).toEqual(new Set([r1.id, r2.id]));
    expect(assignees.filter((a) => a === r1.id)).toHaveLength(2);
    expect((await historyFor(t, { ruleId: rr.id })).every((h) => h.success)).toBe(true);

    await t.http().post(`/api/v1/workflows/rules/${rr.id}/toggle`).set(...bearer(admin)).expect(200);
    await makeRule(t, admin, { scopeCodes: [scope], caseTypes: ['INCIDENT'], triggerType: 'EVENT', triggerConfig: { event: 'case.created' },
      actions: [{ actionType: 'ASSIGN_USER', actionConfig: { strategy: 'LEAST_LOADED', role: 'VIEWER' } }] });
    // Give r1 one more open case by hand: LEAST_LOADED must now pick r2.
    await t.makeCase(admin, { scopeCode: scope, caseType: 'AUDIT', assigneeId: r1.id });
    const c = await t.makeCase(admin, { scopeCode: scope, caseType: 'INCIDENT' });
    await settle(t);
    expect((await t.http().get(`/api/v1/cases/${c.id}`).set(...bearer(admin))).body.assigneeId).toBe(r2.id);
  });

  it('announces a rule-written timeline entry with case:updated after it is committed', async () => {
    const scope = freshScope();
    const rule = await makeRule(t, admin, { scopeCodes: [scope], triggerType: 'STATUS_CHANGE', triggerConfig: { toStatus: ['IN_PROGRESS'] },
      actions: [{ actionType: 'CREATE_TIMELINE', actionConfig: { message: 'work started' } }] });
    const c = await t.makeCase(admin, { scopeCode: scope });
    const socket = await connectSocket(t.url, alice.token);
    const arrivals: number[] = [];
    socket.socket.on('case:updated', (x: { id: string }) => { if (x.id === c.id) arrivals.push(Date.now()); });
    try {
      await patchCase(t, admin, c.id, { status: 'IN_PROGRESS' });
      await settle(t);
      const [run] = await historyFor(t, { ruleId: rule.id });
      const committed = new Date(run.created_at).getTime();
      // An announcement that left after the rule's entry was written: reading the timeline then shows it.
      await eventually(async () => arrivals.some((at) => at >= committed), 5000, 'a case:updated after the rule run');
      const timeline = await t.http().get(`/api/v1/cases/${c.id}/timeline`).set(...bearer(alice)).expect(200);
      expect(timeline.body.items.map((e: any) => e.message)).toContain('work started');
    } finally {
      socket.close();
    }
  });

  it('templates insert values as text and never evaluate them', async () => {
    const scope = freshScope();
    await makeRule(t, admin, { scopeCodes: [scope], triggerType: 'EVENT', triggerConfig: { event: 'case.created' },
      actions: [{ actionType: 'CREATE_TIMELINE', actionConfig: { message: 'Title: {{case.title}} / {{case.assignee.name}}' } }] });
    const c = await t.makeCase(admin, { scopeCode: scope, title: '{{rule.name}} ${process.exit()} <script>' });
    await settle(t);
    const entry = (await timelineOf(t, c.id)).find((e) => e.kind === 'WORKFLOW');
    expect(entry?.message).toBe('Title: {{rule.name}} ${process.exit()} <script> / ');
  });

  it('disabled rules and rules of other scopes or case types do not run', async () => {
    const scope = freshScope();
    const disabled = await makeRule(t, admin, { scopeCodes: [scope], isEnabled: false, triggerType: 'EVENT', triggerConfig: { event: 'case.created' },
      actions: [{ actionType: 'ADD_TAG', actionConfig: { tag: 'x' } }] });
    const otherType = await makeRule(t, admin, { scopeCodes: [scope], caseTypes: ['INCIDENT'], triggerType: 'EVENT', triggerConfig: { event: 'case.created' },
      actions: [{ actionType: 'ADD_TAG', actionConfig: { tag: 'y' } }] });
    await t.makeCase(admin, { scopeCode: scope, caseType: 'AUDIT' });
    await settle(t);
    expect(await historyFor(t, { ruleId: disabled.id })).toHaveLength(0);
    expect(await historyFor(t, { ruleId: otherType.id })).toHaveLength(0);
  });
});
