import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { OutboxDispatcher } from '../../events/outbox-dispatcher.service';
import { startTestApp, type TestApp, type TestUser } from '../../../test/harness';
import { historyFor, makeRule, patchCase, timelineOf } from '../../../test/workflow-fixtures';

/**
 * An engine batch reads (and, where a rule may change them, locks) the cases its rules act on in one statement,
 * and writes its runs' history rows, notifications and timeline entries together, just before it commits. These tests hold the dispatcher, let events pile up, then
 * process them in one batch, and check that the batch still behaves as if each event had been handled on its
 * own: the circuit breaker counts in order, a cooldown sees the run an earlier event of the same batch made, a
 * case's next event sees what the earlier one's rules changed, and a write that fails is blamed on its event.
 */
describe('engine batch: cases read ahead, runs and notifications written together', () => {
  let t: TestApp;
  let admin: TestUser;
  let reviewer: TestUser;
  let scopeN = 0;
  const freshScope = () => `BW${Date.now().toString(36).toUpperCase().slice(-4)}${++scopeN}`;

  beforeAll(async () => {
    t = await startTestApp({ env: { OUTBOX_DISPATCHER: 'off', SCHEDULER: 'off', RULE_PAUSE_AFTER_FAILURES: '2' } });
    admin = await t.makeUser({ role: 'ADMIN' });
  });
  afterAll(() => t?.close());

  /** Processes every pending event; returns how many batches that took. */
  async function drain(): Promise<number> {
    let batches = 0;
    while ((await t.get(OutboxDispatcher).processBatch()) > 0) batches++;
    return batches;
  }

  const pending = async () => Number((await t.sql<{ n: string }>('SELECT count(*) AS n FROM domain_events WHERE processed_at IS NULL'))[0].n);

  it('every event of one batch gets its history rows and notifications, in event order', async () => {
    const scope = freshScope();
    const rule = await makeRule(t, admin, {
      scopeCodes: [scope], triggerType: 'EVENT', triggerConfig: { event: 'case.created' },
      actions: [{ actionType: 'SEND_NOTIFICATION', actionConfig: { recipients: ['OWNER'], title: 'New {{case.caseNumber}}', message: 'm' } }],
    });
    await drain();
    const cases = [];
    for (let i = 0; i < 6; i++) cases.push(await t.makeCase(admin, { scopeCode: scope }));
    expect(await drain()).toBe(1);
    expect(await pending()).toBe(0);
    const runs = await historyFor(t, { ruleId: rule.id });
    expect(runs.map((r) => [r.case_id, r.success])).toEqual(cases.map((c) => [c.id, true]));
    const sent = await t.sql<{ title: string; rule_id: string }>(
      'SELECT title, rule_id FROM notifications WHERE user_id = $1 AND rule_id = $2 ORDER BY created_at, id', [admin.id, rule.id]);
    expect(sent.map((n) => n.title).sort()).toEqual(cases.map((c) => `New ${c.caseNumber}`).sort());
  });

  it('the circuit breaker counts a batch\'s runs in order: a success in between resets the count, and a rule paused mid-batch runs no more', async () => {
    const inScope = freshScope();
    const outOfScope = freshScope();
    // Notifying this user fails for cases of the scope they may not see: an action an admin has to fix.
    const auditor = await t.makeUser({ role: 'INVESTIGATOR', scopeCodes: [inScope] });
    const rule = await makeRule(t, admin, {
      scopeCodes: [inScope, outOfScope], triggerType: 'EVENT', triggerConfig: { event: 'case.created' },
      actions: [{ actionType: 'SEND_NOTIFICATION', actionConfig: { recipients: [auditor.id], title: 't', message: 'm' } }],
    });
    await drain();
    const order = [outOfScope, inScope, outOfScope, outOfScope, inScope];
    const cases = [];
    for (const scopeCode of order) cases.push(await t.makeCase(admin, { scopeCode }));
    expect(await drain()).toBe(1);
    const runs = await historyFor(t, { ruleId: rule.id });
    // fail (1), success (0), fail (1), fail (2: paused) — the last case's event finds the rule paused.
    expect(runs.map((r) => [r.case_id, r.success])).toEqual([
      [cases[0].id, false], [cases[1].id, true], [cases[2].id, false], [cases[3].id, false],
    ]);
    const [row] = await t.sql<{ paused: boolean; consecutive_failures: number }>(
      'SELECT paused_at IS NOT NULL AS paused, consecutive_failures FROM workflow_rules WHERE id = $1', [rule.id]);
    expect(row).toEqual({ paused: true, consecutive_failures: 2 });
    const toAuditor = await t.sql('SELECT 1 FROM notifications WHERE user_id = $1', [auditor.id]);
    expect(toAuditor).toHaveLength(1);
  });

  it('a cooldown sees the run an earlier event of the same batch made', async () => {
    const scope = freshScope();
    const rule = await makeRule(t, admin, {
      scopeCodes: [scope], cooldownSeconds: 3600, triggerType: 'STATUS_CHANGE', triggerConfig: {},
      actions: [{ actionType: 'SEND_NOTIFICATION', actionConfig: { recipients: ['OWNER'], title: 'moved', message: 'm' } }],
    });
    const c = await t.makeCase(admin, { scopeCode: scope });
    await drain();
    await patchCase(t, admin, c.id, { status: 'IN_PROGRESS' });
    await patchCase(t, admin, c.id, { status: 'UNDER_REVIEW' });
    expect(await drain()).toBe(1);
    const runs = await historyFor(t, { ruleId: rule.id });
    expect(runs.map((r) => r.skipped_reason)).toEqual([null, 'COOLDOWN']);
  });

  it('the next event of a case in the same batch sees the case as the earlier event\'s rules left it', async () => {
    const scope = freshScope();
    const rule = await makeRule(t, admin, {
      scopeCodes: [scope], triggerType: 'STATUS_CHANGE', triggerConfig: {},
      actions: [{ actionType: 'ADD_TAG', actionConfig: { tag: 'moved' } }],
    });
    const c = await t.makeCase(admin, { scopeCode: scope });
    await drain();
    await patchCase(t, admin, c.id, { status: 'IN_PROGRESS' });
    await patchCase(t, admin, c.id, { status: 'UNDER_REVIEW' });
    await t.get(OutboxDispatcher).processBatch();
    const runs = await historyFor(t, { ruleId: rule.id });
    expect(runs.map((r) => r.actions_executed[0].detail)).toEqual(['tag moved added', 'tag moved already present']);
  });

  it('a case changed by two events of one batch keeps both changes (the row locked ahead follows each change)', async () => {
    const scope = freshScope();
    await makeRule(t, admin, { scopeCodes: [scope], triggerType: 'STATUS_CHANGE', triggerConfig: { toStatus: ['IN_PROGRESS'] },
      actions: [{ actionType: 'ADD_TAG', actionConfig: { tag: 'started' } }] });
    await makeRule(t, admin, { scopeCodes: [scope], triggerType: 'STATUS_CHANGE', triggerConfig: { toStatus: ['UNDER_REVIEW'] },
      actions: [{ actionType: 'ADD_TAG', actionConfig: { tag: 'reviewing' } }, { actionType: 'CHANGE_STATUS', actionConfig: { status: 'CLOSED' } }] });
    const c = await t.makeCase(admin, { scopeCode: scope, tags: ['mine'] });
    await drain();
    await patchCase(t, admin, c.id, { status: 'IN_PROGRESS' });
    await patchCase(t, admin, c.id, { status: 'UNDER_REVIEW' });
    await t.get(OutboxDispatcher).processBatch();
    const [row] = await t.sql<{ tags: string[]; status: string }>('SELECT tags, status FROM cases WHERE id = $1', [c.id]);
    expect(row).toEqual({ tags: ['mine', 'started', 'reviewing'], status: 'CLOSED' });
  });

  it('a batch\'s timeline entries keep the order of the actions, around the entries of the case changes', async () => {
    const scope = freshScope();
    await makeRule(t, admin, { scopeCodes: [scope], triggerType: 'EVENT', triggerConfig: { event: 'case.created' },
      actions: [
        { actionType: 'CREATE_TIMELINE', actionConfig: { message: 'before the tag' } },
        { actionType: 'ADD_TAG', actionConfig: { tag: 'tagged' } },
        { actionType: 'CREATE_TIMELINE', actionConfig: { message: 'after the tag' } },
      ] });
    await drain();
    const c = await t.makeCase(admin, { scopeCode: scope });
    await t.get(OutboxDispatcher).processBatch();
    expect((await timelineOf(t, c.id)).map((e) => [e.kind, e.message])).toEqual([
      ['CREATED', expect.any(String)], ['WORKFLOW', 'before the tag'], ['TAG', 'Tags added tagged'], ['WORKFLOW', 'after the tag'],
    ]);
  });

  it('when the batch\'s writes fail, the batch is redone event by event and only the event to blame fails', async () => {
    const scope = freshScope();
    const rule = await makeRule(t, admin, {
      scopeCodes: [scope], triggerType: 'EVENT', triggerConfig: { event: 'case.created' },
      actions: [{ actionType: 'SEND_NOTIFICATION', actionConfig: { recipients: ['OWNER'], title: '{{case.caseNumber}}', message: 'm' } }],
    });
    await drain();
    const [first, second, third] = [await t.makeCase(admin, { scopeCode: scope }), await t.makeCase(admin, { scopeCode: scope }), await t.makeCase(admin, { scopeCode: scope })];
    const [{ id: eventId }] = await t.sql<{ id: string }>("SELECT id FROM domain_events WHERE case_id = $1 AND name = 'case.created'", [second.id]);
    // A history row for (event, rule, case) already exists: the batch's history insert breaks its unique key.
    await t.sql(
      `INSERT INTO workflow_history (rule_id, rule_name, case_id, case_number, event_id, event_name, trigger_data, depth, actions_executed, success, duration_ms)
       VALUES ($1, 'planted', $2, $3, $4, 'case.created', '{}', 0, '[]', true, 0)`, [rule.id, second.id, second.caseNumber, eventId]);
    await t.get(OutboxDispatcher).processBatch();
    const events = await t.sql<{ case_id: string; processed: boolean; attempts: number }>(
      "SELECT case_id, processed_at IS NOT NULL AS processed, attempts FROM domain_events WHERE case_id = ANY($1) AND name = 'case.created'",
      [[first.id, second.id, third.id]]);
    const byCase = new Map(events.map((e) => [e.case_id, e]));
    expect(byCase.get(first.id)).toMatchObject({ processed: true, attempts: 0 });
    expect(byCase.get(third.id)).toMatchObject({ processed: true, attempts: 0 });
    expect(byCase.get(second.id)).toMatchObject({ processed: false, attempts: 1 });
    const titles = (await t.sql<{ title: string }>('SELECT title FROM notifications WHERE rule_id = $1', [rule.id])).map((n) => n.title).sort();
    expect(titles).toEqual([first.caseNumber, third.caseNumber].sort());
  });
});
