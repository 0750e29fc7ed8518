import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { bearer, eventually, startTestApp, type TestApp, type TestUser } from '../../../test/harness';
import { historyFor, makeRule, patchCase, settle, timelineOf } from '../../../test/workflow-fixtures';

type Trigger = 'STATUS_CHANGE' | 'EVENT' | 'CONDITION' | 'TIME_BASED';
type Action = 'CHANGE_STATUS' | 'ASSIGN_USER' | 'ADD_TAG' | 'SEND_NOTIFICATION' | 'CREATE_TIMELINE';

const TRIGGERS: Trigger[] = ['STATUS_CHANGE', 'EVENT', 'CONDITION', 'TIME_BASED'];
const ACTIONS: Action[] = ['CHANGE_STATUS', 'ASSIGN_USER', 'ADD_TAG', 'SEND_NOTIFICATION', 'CREATE_TIMELINE'];

/** Every trigger type × every action type: the rule fires once and its action has its effect on the case. */
describe('every trigger type × every action type', () => {
  let t: TestApp;
  let admin: TestUser;
  let worker: TestUser;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await t.makeUser({ role: 'ADMIN' });
    worker = await t.makeUser({ role: 'INVESTIGATOR', name: 'Matrix Worker' });
  });
  afterAll(() => t.close());

  const triggerConfig = (trigger: Trigger) => {
    switch (trigger) {
      case 'STATUS_CHANGE': return { toStatus: ['UNDER_REVIEW'] };
      case 'EVENT': return { event: 'case.tagged', conditions: [{ field: 'tags', op: 'contains', value: 'go' }] };
      case 'CONDITION': return { conditions: [{ field: 'severity', op: 'eq', value: 'CRITICAL' }] };
      case 'TIME_BASED': return { cron: '* * * * * *', conditions: [{ field: 'tags', op: 'contains', value: 'go' }] };
    }
  };
  const actionConfig = (action: Action) => {
    switch (action) {
      case 'CHANGE_STATUS': return { status: 'CLOSED' };
      case 'ASSIGN_USER': return { userId: worker.id };
      case 'ADD_TAG': return { tag: 'done-by-rule' };
      case 'SEND_NOTIFICATION': return { recipients: [worker.id], title: 'Matrix {{case.caseNumber}}', message: '{{rule.name}}' };
      case 'CREATE_TIMELINE': return { message: 'matrix entry {{case.caseNumber}}' };
    }
  };
  /** Makes the trigger happen for the case. */
  const fire = async (trigger: Trigger, caseId: string) => {
    switch (trigger) {
      case 'STATUS_CHANGE': return patchCase(t, admin, caseId, { status: 'UNDER_REVIEW' });
      case 'EVENT': return patchCase(t, admin, caseId, { tags: ['go'] });
      case 'CONDITION': return patchCase(t, admin, caseId, { severity: 'CRITICAL' });
      case 'TIME_BASED': return patchCase(t, admin, caseId, { tags: ['go'] });
    }
  };

  const cells = TRIGGERS.flatMap((trigger) => ACTIONS.map((action) => [trigger, action] as const));

  it.each(cells)('%s → %s', async (trigger, action) => {
    const scope = `M${TRIGGERS.indexOf(trigger)}${ACTIONS.indexOf(action)}X`;
    const rule = await makeRule(t, admin, {
      // A cooldown, because some cells re-trigger themselves (EVENT case.tagged → ADD_TAG tags the case again).
      scopeCodes: [scope], cooldownSeconds: 3600, triggerType: trigger, triggerConfig: triggerConfig(trigger),
      actions: [{ actionType: action, actionConfig: actionConfig(action) }],
    });
    const c = await t.makeCase(admin, { scopeCode: scope });
    await fire(trigger, c.id);
    await eventually(async () => (await historyFor(t, { ruleId: rule.id })).length > 0, 10_000, `a run of ${trigger} → ${action}`);
    if (trigger === 'TIME_BASED') await t.http().post(`/api/v1/workflows/rules/${rule.id}/toggle`).set(...bearer(admin)).expect(200);
    await settle(t);
    const runs = (await historyFor(t, { ruleId: rule.id })).filter((r) => r.skipped_reason === null);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ success: true, case_id: c.id });

    const now = (await t.http().get(`/api/v1/cases/${c.id}`).set(...bearer(admin))).body;
    switch (action) {
      case 'CHANGE_STATUS': expect(now.status).toBe('CLOSED'); break;
      case 'ASSIGN_USER': expect(now.assigneeId).toBe(worker.id); break;
      case 'ADD_TAG': expect(now.tags).toContain('done-by-rule'); break;
      case 'SEND_NOTIFICATION': {
        const notes = await t.sql<any>('SELECT title, rule_id FROM notifications WHERE user_id = $1 AND entity_id = $2', [worker.id, c.id]);
        expect(notes).toEqual([{ title: `Matrix ${c.caseNumber}`, rule_id: rule.id }]);
        break;
      }
      case 'CREATE_TIMELINE': {
        const entries = (await timelineOf(t, c.id)).filter((e) => e.kind === 'WORKFLOW');
        expect(entries).toEqual([expect.objectContaining({ message: `matrix entry ${c.caseNumber}`, rule_id: rule.id })]);
        break;
      }
    }
  });
});
