import { describe, expect, it } from 'vitest';
import { EMPTY_USERS_FILTER, filterChanged, knownScopeCodes, normalizeScopeCode, usersQueryParams } from './users-query';

describe('users query state', () => {
  it('sends only the filters that are set, with the page window', () => {
    expect(usersQueryParams(EMPTY_USERS_FILTER, { limit: 25, offset: 0 })).toEqual({ limit: '25', offset: '0' });
    expect(usersQueryParams({ q: '  ada   lovelace ', role: 'ADMIN', isActive: 'false' }, { limit: 50, offset: 100 }))
      .toEqual({ limit: '50', offset: '100', q: 'ada lovelace', role: 'ADMIN', isActive: 'false' });
    expect(usersQueryParams({ ...EMPTY_USERS_FILTER, q: '   ' }, { limit: 25, offset: 0 })).not.toHaveProperty('q');
  });

  it('goes back to the first page only when the filter really changed', () => {
    expect(filterChanged(EMPTY_USERS_FILTER, { ...EMPTY_USERS_FILTER, q: 'ada ' })).toBe(true);
    expect(filterChanged({ ...EMPTY_USERS_FILTER, q: 'ada' }, { ...EMPTY_USERS_FILTER, q: 'ada  ' })).toBe(false);
    expect(filterChanged(EMPTY_USERS_FILTER, { ...EMPTY_USERS_FILTER, role: 'VIEWER' })).toBe(true);
  });

  it('offers the scope codes in use, and checks new ones like the server does', () => {
    expect(knownScopeCodes(['HR', 'FIN', 'HR'], [['OPS', 'FIN'], [], ['bad']])).toEqual(['FIN', 'HR', 'OPS']);
    expect(normalizeScopeCode(' legal ')).toBe('LEGAL');
    expect(normalizeScopeCode('x')).toBeNull();
    expect(normalizeScopeCode('1AB')).toBeNull();
    expect(normalizeScopeCode('ABCDEFGHIJK')).toBeNull();
  });
});
