import { describeTrigger } from './trigger-summary';

describe('describeTrigger', () => {
  it('status change to one status', () => {
    expect(describeTrigger('STATUS_CHANGE', { toStatus: ['UNDER_REVIEW'] })).toBe('When status changes to UNDER_REVIEW');
  });

  it('status change from/to with a condition', () => {
    expect(
      describeTrigger('STATUS_CHANGE', {
        fromStatus: ['OPEN'],
        toStatus: ['IN_PROGRESS', 'UNDER_REVIEW'],
        conditions: [{ field: 'severity', op: 'eq', value: 'HIGH' }],
      }),
    ).toBe('When status changes from OPEN to IN_PROGRESS or UNDER_REVIEW, if severity is HIGH');
  });

  it('event and condition triggers', () => {
    expect(describeTrigger('EVENT', { event: 'evidence.uploaded' })).toBe('On evidence.uploaded');
    expect(
      describeTrigger('CONDITION', {
        match: 'ANY',
        conditions: [
          { field: 'severity', op: 'in', value: ['HIGH', 'CRITICAL'] },
          { field: 'assigneeId', op: 'isEmpty' },
        ],
      }),
    ).toBe('When a case starts matching any of 2 conditions');
  });

  it('time based', () => {
    expect(
      describeTrigger('TIME_BASED', { cron: '0 9 * * 1-5', conditions: [{ field: 'dueDate', op: 'olderThanHours', value: 24 }] }),
    ).toBe('On schedule 0 9 * * 1-5, for cases where dueDate is older than (hours) 24');
  });
});
