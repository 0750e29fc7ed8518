import { describe, expect, it } from '@jest/globals';
import { parseAction, parseRuleBody, parseTrigger, storedTrigger } from './rule-config';

const USER = '11111111-2222-4333-8444-555555555555';

describe('parseTrigger: each trigger type, validated and normalised once', () => {
  it('STATUS_CHANGE: statuses de-duplicated, conditions normalised', () => {
    expect(parseTrigger('STATUS_CHANGE', { toStatus: ['CLOSED', 'CLOSED'], conditions: [{ field: 'tags', op: 'contains', value: ' Fraud ' }] }).value)
      .toEqual({ triggerType: 'STATUS_CHANGE', triggerConfig: { toStatus: ['CLOSED'], conditions: [{ field: 'tags', op: 'contains', value: 'fraud' }] } });
  });

  it('EVENT: the event name', () => {
    expect(parseTrigger('EVENT', { event: 'evidence.uploaded' }).value).toEqual({ triggerType: 'EVENT', triggerConfig: { event: 'evidence.uploaded' } });
  });

  it('CONDITION: match defaults to ALL', () => {
    expect(parseTrigger('CONDITION', { conditions: [{ field: 'severity', op: 'eq', value: 'HIGH' }] }).value).toEqual({
      triggerType: 'CONDITION', triggerConfig: { match: 'ALL', conditions: [{ field: 'severity', op: 'eq', value: 'HIGH' }] },
    });
  });

  it('TIME_BASED: the cron with single spaces', () => {
    expect(parseTrigger('TIME_BASED', { cron: ' 0  8 * * * ', conditions: [{ field: 'status', op: 'eq', value: 'OPEN' }] }).value).toEqual({
      triggerType: 'TIME_BASED', triggerConfig: { cron: '0 8 * * *', timeZone: 'UTC', conditions: [{ field: 'status', op: 'eq', value: 'OPEN' }] },
    });
  });

  it.each<[Parameters<typeof parseTrigger>[0], unknown, string]>([
    ['STATUS_CHANGE', { toStatus: ['DONE'] }, 'triggerConfig.toStatus: must be an array of OPEN, IN_PROGRESS, UNDER_REVIEW, CLOSED, ARCHIVED'],
    ['EVENT', { event: 'case.deleted' }, 'triggerConfig.event: must be one of case.created, case.updated, case.status_changed, case.assigned, case.tagged, evidence.uploaded'],
    ['CONDITION', { conditions: [], match: 'SOME' }, 'triggerConfig.match: must be ALL or ANY'],
    ['TIME_BASED', { cron: '* * *', conditions: [{ field: 'status', op: 'eq', value: 'OPEN' }] }, 'triggerConfig.cron: must have 5 fields (or 6 with seconds first), got 3'],
    ['EVENT', { event: 'case.created', extra: 1 }, 'triggerConfig.extra: unknown property'],
    ['EVENT', 'case.created', 'triggerConfig: must be an object'],
  ])('%s %j → "%s", and no value', (type, config, message) => {
    const parsed = parseTrigger(type, config);
    expect(parsed.problems).toContain(message);
    expect(parsed.value).toBeUndefined();
  });

  it('a stored trigger is typed by its column without being validated again', () => {
    const trigger = storedTrigger('TIME_BASED', { cron: '0 8 * * *', conditions: [] });
    expect(trigger.triggerType === 'TIME_BASED' && trigger.triggerConfig.cron).toBe('0 8 * * *');
  });
});

describe('parseAction: each action type', () => {
  it.each<[Parameters<typeof parseAction>[0], unknown, unknown]>([
    ['CHANGE_STATUS', { status: 'CLOSED' }, { status: 'CLOSED' }],
    ['ASSIGN_USER', { userId: USER }, { userId: USER }],
    ['ASSIGN_USER', { strategy: 'LEAST_LOADED', role: 'INVESTIGATOR' }, { strategy: 'LEAST_LOADED', role: 'INVESTIGATOR' }],
    ['ADD_TAG', { tag: ' Needs-Review ' }, { tag: 'needs-review' }],
    ['SEND_NOTIFICATION', { recipients: ['OWNER', 'OWNER', USER], title: 'Hi {{case.caseNumber}}', message: 'x' },
      { recipients: ['OWNER', USER], title: 'Hi {{case.caseNumber}}', message: 'x', priority: 'NORMAL' }],
    ['CREATE_TIMELINE', { message: 'by {{rule.name}}' }, { message: 'by {{rule.name}}' }],
  ])('%s %j', (type, config, expected) => {
    const parsed = parseAction(type, config, 'actionConfig');
    expect(parsed.problems).toEqual([]);
    expect(parsed.value).toEqual({ actionType: type, actionConfig: expected });
  });

  it('names the users it refers to, so the service can check they exist', () => {
    expect(parseAction('SEND_NOTIFICATION', { recipients: ['ADMINS', USER], title: 't', message: 'm' }, 'actions[0].actionConfig').userIds)
      .toEqual([{ id: USER, path: 'actions[0].actionConfig.recipients[1]' }]);
  });

  it.each<[Parameters<typeof parseAction>[0], unknown, string]>([
    ['CHANGE_STATUS', { status: 'DONE' }, 'actionConfig.status: must be one of OPEN, IN_PROGRESS, UNDER_REVIEW, CLOSED, ARCHIVED'],
    ['ASSIGN_USER', { userId: USER, strategy: 'ROUND_ROBIN' }, 'actionConfig: give either userId or strategy (with optional role), not both'],
    ['ASSIGN_USER', {}, 'actionConfig: needs userId or strategy'],
    ['ADD_TAG', { tag: '   ' }, 'actionConfig.tag: must be a tag of 1 to 50 characters'],
    ['SEND_NOTIFICATION', { recipients: ['EVERYONE'], title: 't', message: 'm' }, 'actionConfig.recipients[0]: must be ASSIGNEE, OWNER, ADMINS or a user id'],
    ['CREATE_TIMELINE', { message: '{{case.secret}}' }, 'actionConfig.message: unknown template variable {{case.secret}} (allowed: '],
  ])('%s %j → "%s"', (type, config, message) => {
    const parsed = parseAction(type, config, 'actionConfig');
    expect(parsed.problems).toEqual([expect.stringContaining(message)]);
    expect(parsed.value).toBeUndefined();
  });
});

describe('parseRuleBody', () => {
  it('prefixes paths, keeps given sequences and numbers the rest by position', () => {
    const parsed = parseRuleBody({
      triggerType: 'EVENT', triggerConfig: { event: 'case.created' },
      actions: [{ actionType: 'ADD_TAG', actionConfig: { tag: 'a' }, sequence: 5 }, { actionType: 'CREATE_TIMELINE', actionConfig: { message: 'm' } }],
    }, 'rules[1].');
    expect(parsed.problems).toEqual([]);
    expect(parsed.actions.map((a) => [a.spec.actionType, a.sequence])).toEqual([['ADD_TAG', 5], ['CREATE_TIMELINE', 1]]);

    const bad = parseRuleBody({ triggerType: 'EVENT', triggerConfig: {}, actions: [{ actionType: 'ADD_TAG', actionConfig: { tag: '' } }] }, 'rules[1].');
    expect(bad.problems).toEqual([
      expect.stringMatching(/^rules\[1\]\.triggerConfig\.event: must be one of/),
      'rules[1].actions[0].actionConfig.tag: must be a tag of 1 to 50 characters',
    ]);
    expect(bad.trigger).toBeUndefined();
  });
});
