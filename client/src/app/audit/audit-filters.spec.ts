import { describe, expect, it } from 'vitest';
import { EMPTY_AUDIT_FILTER, auditQueryParams, targetLink } from './audit-filters';

describe('audit log filters', () => {
  it('sends only valid filters, with whole days in UTC', () => {
    expect(auditQueryParams(EMPTY_AUDIT_FILTER, { limit: 50, offset: 0 })).toEqual({ limit: '50', offset: '0' });
    expect(auditQueryParams({ ...EMPTY_AUDIT_FILTER, action: 'LOGOUT', from: '2026-12-01', to: '2026-12-01', targetId: 'nope' }, { limit: 50, offset: 50 }))
      .toEqual({ limit: '50', offset: '50', action: 'LOGOUT', from: '2026-12-01T00:00:00.000Z', to: '2026-12-01T23:59:59.999Z' });
  });

  it('whole days in the user\'s display zone when given', () => {
    expect(auditQueryParams({ ...EMPTY_AUDIT_FILTER, from: '2026-12-01', to: '2026-12-02' }, { limit: 50, offset: 0 }, 'America/New_York'))
      .toEqual({ limit: '50', offset: '0', from: '2026-12-01T05:00:00.000Z', to: '2026-12-03T04:59:59.999Z' });
  });

  it('links rules and users to their pages', () => {
    expect(targetLink('RULE', 'r1')).toBe('/workflows/rules/r1');
    expect(targetLink('USER', 'u1')).toBe('/users');
    expect(targetLink('WEBHOOK', 'w1')).toBeNull();
    expect(targetLink('RULE', null)).toBeNull();
  });
});
