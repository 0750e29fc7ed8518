import { SCOPE_CODE_PATTERN, type Role } from '../../../../contracts/enums';

/** The filters of the users page; the server searches, filters and paginates (GET /users?q=&role=&isActive=). */
export interface UsersFilter {
  q: string;
  role: Role | '';
  /** '' = everyone, 'true' active only, 'false' deactivated only. */
  isActive: '' | 'true' | 'false';
}

export const EMPTY_USERS_FILTER: UsersFilter = { q: '', role: '', isActive: '' };

/** Query parameters for one page: empty filters are left out (the server rejects unknown or empty values). */
export function usersQueryParams(filter: UsersFilter, window: { limit: number; offset: number }): Record<string, string> {
  const params: Record<string, string> = { limit: String(window.limit), offset: String(window.offset) };
  const q = filter.q.trim().replace(/\s+/g, ' ');
  if (q) params['q'] = q.slice(0, 200);
  if (filter.role) params['role'] = filter.role;
  if (filter.isActive) params['isActive'] = filter.isActive;
  return params;
}

/** Whether a filter change must start again from the first page (it changes which rows exist). */
export function filterChanged(a: UsersFilter, b: UsersFilter): boolean {
  return a.q.trim() !== b.q.trim() || a.role !== b.role || a.isActive !== b.isActive;
}

/** The server's pattern (contracts/enums.ts). */
const SCOPE_CODE = SCOPE_CODE_PATTERN;

/** Scope codes to offer: those in use on cases and users, sorted, without duplicates. */
export function knownScopeCodes(fromCases: readonly string[], fromUsers: readonly (readonly string[])[]): string[] {
  return [...new Set([...fromCases, ...fromUsers.flat()].filter((c) => SCOPE_CODE.test(c)))].sort();
}

/** A typed scope code, upper-cased; null when it can never be valid (the server's pattern). */
export function normalizeScopeCode(raw: string): string | null {
  const code = raw.trim().toUpperCase();
  return SCOPE_CODE.test(code) ? code : null;
}
