import { FALLBACK_META } from '../workflow-meta';
import { WorkflowMeta, WorkflowRule } from '../workflow.models';
import { opsForField, valueKindFor, fieldMeta } from './condition-ops';
import {
  applyActionType,
  applyConditionValueRule,
  applyTriggerType,
  buildRulePayload,
  createActionForm,
  createConditionForm,
  createRuleForm,
  moveAction,
} from './rule-form';
import { controlForServerPath } from './rule-server-errors';

const meta = FALLBACK_META;

describe('rule form → POST payload', () => {
  it('builds a STATUS_CHANGE rule with typed conditions and ordered actions', () => {
    const form = createRuleForm();
    form.patchValue({
      name: '  Escalate review  ',
      description: 'Tell admins',
      priority: 10,
      cooldownSeconds: 60,
      stopProcessing: true,
      scopeCodes: ['FIN'],
      caseTypes: ['AUDIT'],
      triggerType: 'STATUS_CHANGE',
    });
    form.controls.trigger.patchValue({ toStatus: ['UNDER_REVIEW'] });
    form.controls.trigger.controls.conditions.push(createConditionForm({ field: 'severity', op: 'in', value: ['HIGH', 'CRITICAL'] }));
    form.controls.trigger.controls.conditions.push(createConditionForm({ field: 'evidenceCount', op: 'gt', value: '2' }));
    form.controls.trigger.controls.conditions.push(createConditionForm({ field: 'assigneeId', op: 'isEmpty', value: 'leftover' }));

    const notify = createActionForm();
    notify.patchValue({
      actionType: 'SEND_NOTIFICATION',
      recipients: ['ADMINS', 'ASSIGNEE'],
      title: '{{case.caseNumber}} needs review',
      message: 'Moved by {{actor.name}}',
      priority: 'HIGH',
      tag: 'ignored because the type does not use it',
    });
    const tag = createActionForm({ actionType: 'ADD_TAG', actionConfig: { tag: ' Review ' } });
    form.controls.actions.push(notify);
    form.controls.actions.push(tag);

    expect(buildRulePayload(form.getRawValue(), meta)).toEqual({
      name: 'Escalate review',
      description: 'Tell admins',
      triggerType: 'STATUS_CHANGE',
      triggerConfig: {
        toStatus: ['UNDER_REVIEW'],
        conditions: [
          { field: 'severity', op: 'in', value: ['HIGH', 'CRITICAL'] },
          { field: 'evidenceCount', op: 'gt', value: 2 },
          { field: 'assigneeId', op: 'isEmpty' },
        ],
      },
      isEnabled: true,
      priority: 10,
      stopProcessing: true,
      cooldownSeconds: 60,
      scopeCodes: ['FIN'],
      caseTypes: ['AUDIT'],
      actions: [
        {
          actionType: 'SEND_NOTIFICATION',
          actionConfig: {
            recipients: ['ADMINS', 'ASSIGNEE'],
            title: '{{case.caseNumber}} needs review',
            message: 'Moved by {{actor.name}}',
            priority: 'HIGH',
          },
          sequence: 0,
        },
        { actionType: 'ADD_TAG', actionConfig: { tag: 'review' }, sequence: 1 },
      ],
    });
  });

  it('builds each trigger kind with only its own keys', () => {
    const form = createRuleForm();
    form.patchValue({ name: 'x', triggerType: 'EVENT' });
    form.controls.trigger.patchValue({ event: 'evidence.uploaded', cron: '0 9 * * *', toStatus: ['CLOSED'] });
    expect(buildRulePayload(form.getRawValue(), meta).triggerConfig).toEqual({ event: 'evidence.uploaded' });

    form.patchValue({ triggerType: 'CONDITION' });
    form.controls.trigger.patchValue({ match: 'ANY' });
    form.controls.trigger.controls.conditions.push(createConditionForm({ field: 'title', op: 'contains', value: ' fraud ' }));
    expect(buildRulePayload(form.getRawValue(), meta).triggerConfig).toEqual({
      conditions: [{ field: 'title', op: 'contains', value: 'fraud' }],
      match: 'ANY',
    });

    form.patchValue({ triggerType: 'TIME_BASED' });
    form.controls.trigger.patchValue({ cron: '  0  9 * * 1-5 ' });
    form.controls.trigger.patchValue({ timeZone: 'Europe/Berlin' });
    expect(buildRulePayload(form.getRawValue(), meta).triggerConfig).toEqual({
      cron: '0 9 * * 1-5',
      timeZone: 'Europe/Berlin',
      conditions: [{ field: 'title', op: 'contains', value: 'fraud' }],
    });
  });

  it('ASSIGN_USER sends a user or a strategy (with optional role), never both', () => {
    const byUser = createActionForm({ actionType: 'ASSIGN_USER', actionConfig: { userId: 'u-1' } });
    const form = createRuleForm();
    form.controls.actions.push(byUser);
    expect(buildRulePayload(form.getRawValue(), meta).actions![0].actionConfig).toEqual({ userId: 'u-1' });

    byUser.patchValue({ assignMode: 'STRATEGY', strategy: 'LEAST_LOADED', role: 'INVESTIGATOR' });
    expect(buildRulePayload(form.getRawValue(), meta).actions![0].actionConfig).toEqual({
      strategy: 'LEAST_LOADED',
      role: 'INVESTIGATOR',
    });
    byUser.patchValue({ role: '' });
    expect(buildRulePayload(form.getRawValue(), meta).actions![0].actionConfig).toEqual({ strategy: 'LEAST_LOADED' });
  });

  it('loads a saved rule back into the form (actions in sequence order)', () => {
    const rule: WorkflowRule = {
      id: 'r1',
      name: 'Nightly overdue',
      description: '',
      triggerType: 'TIME_BASED',
      triggerConfig: { cron: '0 2 * * *', timeZone: 'America/New_York', conditions: [{ field: 'dueDate', op: 'olderThanHours', value: 0 }] },
      isEnabled: false,
      priority: 5,
      stopProcessing: false,
      cooldownSeconds: 0,
      scopeCodes: [],
      caseTypes: [],
      actions: [
        { id: 'a2', ruleId: 'r1', actionType: 'CREATE_TIMELINE', actionConfig: { message: 'second' }, sequence: 1 },
        { id: 'a1', ruleId: 'r1', actionType: 'ADD_TAG', actionConfig: { tag: 'overdue' }, sequence: 0 },
      ],
      createdAt: '',
      updatedAt: '',
    };
    const payload = buildRulePayload(createRuleForm(rule).getRawValue(), meta);
    expect(payload.triggerConfig).toEqual(rule.triggerConfig);
    expect(payload.isEnabled).toBe(false);
    expect(payload.description).toBe(''); // the server stores '' for no description
    expect(payload.actions).toEqual([
      { actionType: 'ADD_TAG', actionConfig: { tag: 'overdue' }, sequence: 0 },
      { actionType: 'CREATE_TIMELINE', actionConfig: { message: 'second' }, sequence: 1 },
    ]);
  });
});

describe('validation follows the chosen kinds', () => {
  it('requires a valid cron and at least one condition only for TIME_BASED', () => {
    const form = createRuleForm();
    form.patchValue({ name: 'r' });
    expect(form.valid).toBe(true);

    form.patchValue({ triggerType: 'TIME_BASED' });
    form.controls.trigger.patchValue({ cron: '0 9 * *' });
    applyTriggerType(form);
    expect(form.controls.trigger.controls.cron.hasError('cron')).toBe(true);
    expect(form.controls.trigger.controls.conditions.hasError('required')).toBe(true);

    form.controls.trigger.patchValue({ cron: '*/5 * * * *' });
    form.controls.trigger.controls.conditions.push(createConditionForm({ field: 'status', op: 'eq', value: 'OPEN' }));
    expect(form.valid).toBe(true);
  });

  it('requires only the fields of the action type', () => {
    const action = createActionForm({ actionType: 'SEND_NOTIFICATION' });
    expect(action.controls.title.hasError('required')).toBe(true);
    expect(action.controls.recipients.hasError('required')).toBe(true);
    action.patchValue({ actionType: 'ADD_TAG' });
    applyActionType(action);
    expect(action.controls.title.errors).toBeNull();
    expect(action.controls.tag.hasError('required')).toBe(true);
  });

  it('CALL_WEBHOOK needs a webhook and sends only its id', () => {
    const action = createActionForm({ actionType: 'CALL_WEBHOOK', actionConfig: { webhookId: '' } });
    expect(action.controls.webhookId.hasError('required')).toBe(true);
    action.patchValue({ webhookId: 'b3c1c5c2-4a4e-4d0e-9a51-0f7f3a4c2d11', tag: 'ignored' });
    expect(action.valid).toBe(true);
    const form = createRuleForm();
    form.controls.actions.push(action);
    expect(buildRulePayload(form.getRawValue(), meta).actions).toEqual([
      { actionType: 'CALL_WEBHOOK', actionConfig: { webhookId: 'b3c1c5c2-4a4e-4d0e-9a51-0f7f3a4c2d11' }, sequence: 0 },
    ]);
  });

  it('a condition value is optional for isEmpty', () => {
    const condition = createConditionForm({ field: 'assigneeId', op: 'eq' });
    applyConditionValueRule(condition, meta);
    expect(condition.controls.value.hasError('required')).toBe(true);
    condition.patchValue({ op: 'isEmpty' });
    applyConditionValueRule(condition, meta);
    expect(condition.controls.value.errors).toBeNull();
  });
});

describe('ops filtered by field', () => {
  it('offers only ops that fit the field', () => {
    expect(opsForField('status', meta)).toEqual(['eq', 'neq', 'in', 'notIn']);
    expect(opsForField('tags', meta)).toEqual(['in', 'notIn', 'contains', 'isEmpty', 'isNotEmpty']);
    expect(opsForField('title', meta)).not.toContain('gt');
    expect(opsForField('evidenceCount', meta)).toEqual(['eq', 'neq', 'gt', 'lt']);
    expect(opsForField('createdAt', meta)).not.toContain('eq');
    expect(opsForField('nope', meta)).toEqual([]);
  });

  it('follows the server meta when it differs', () => {
    const custom: WorkflowMeta = {
      ...meta,
      conditionFields: [{ field: 'title', type: 'text', ops: ['isEmpty', 'eq'] }],
    };
    expect(opsForField('title', custom)).toEqual(['eq', 'isEmpty']);
  });

  it('picks the value editor by field type and op', () => {
    expect(valueKindFor(fieldMeta('status', meta), 'eq')).toBe('enum');
    expect(valueKindFor(fieldMeta('severity', meta), 'in')).toBe('enumList');
    expect(valueKindFor(fieldMeta('evidenceCount', meta), 'gt')).toBe('number');
    expect(valueKindFor(fieldMeta('dueDate', meta), 'olderThanHours')).toBe('number');
    expect(valueKindFor(fieldMeta('updatedAt', meta), 'withinHours')).toBe('number');
    expect(valueKindFor(fieldMeta('assigneeId', meta), 'isNotEmpty')).toBe('none');
    expect(valueKindFor(fieldMeta('assigneeId', meta), 'eq')).toBe('user');
    expect(valueKindFor(fieldMeta('title', meta), 'contains')).toBe('text');
    expect(valueKindFor(fieldMeta('scopeCode', meta), 'in')).toBe('textList');
  });
});

describe('action reordering', () => {
  it('moves the dragged action and renumbers sequence by position', () => {
    const form = createRuleForm();
    ['first', 'second', 'third'].forEach((message) =>
      form.controls.actions.push(createActionForm({ actionType: 'CREATE_TIMELINE', actionConfig: { message } })),
    );
    moveAction(form.controls.actions, 2, 0);
    const actions = buildRulePayload(form.getRawValue(), meta).actions!;
    expect(actions.map((a) => [a.actionConfig.message, a.sequence])).toEqual([
      ['third', 0],
      ['first', 1],
      ['second', 2],
    ]);
    expect(form.controls.actions.dirty).toBe(true);
  });
});

describe('server messages land on the right control', () => {
  it('maps trigger and action paths', () => {
    const form = createRuleForm();
    form.controls.trigger.controls.conditions.push(createConditionForm());
    form.controls.actions.push(createActionForm({ actionType: 'ASSIGN_USER', actionConfig: { strategy: 'ROUND_ROBIN' } }));
    expect(controlForServerPath(form, ['triggerConfig', 'conditions', '0', 'op'])).toBe(
      form.controls.trigger.controls.conditions.at(0).controls.op,
    );
    expect(controlForServerPath(form, ['triggerConfig', 'cron'])).toBe(form.controls.trigger.controls.cron);
    expect(controlForServerPath(form, ['actions', '0', 'actionConfig', 'strategy'])).toBe(
      form.controls.actions.at(0).controls.strategy,
    );
    expect(controlForServerPath(form, ['actions', '0', 'actionConfig', 'title'])).toBe(
      form.controls.actions.at(0).controls.title,
    );
    expect(controlForServerPath(form, ['name'])).toBe(form.controls.name);
    expect(controlForServerPath(form, ['actions', '3', 'actionType'])).toBeNull();
    expect(controlForServerPath(form, ['somethingElse'])).toBeNull();
  });
});
