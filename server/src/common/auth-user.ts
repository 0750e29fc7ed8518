import type { Role } from './enums';

/** The signed-in user as the request sees it (loaded fresh from the database on every request). */
export interface AuthUser {
  id: string;
  email: string;
  name: string;
  role: Role;
  scopeCodes: string[];
}

/** Whether `user` may see cases of `scopeCode` (need-to-know). */
export function canSeeScope(user: Pick<AuthUser, 'role' | 'scopeCodes'>, scopeCode: string): boolean {
  return user.role === 'ADMIN' || user.scopeCodes.length === 0 || user.scopeCodes.includes(scopeCode);
}

/** The scopes to filter lists by, or undefined for "all". */
export function visibleScopes(user: Pick<AuthUser, 'role' | 'scopeCodes'>): string[] | undefined {
  return user.role === 'ADMIN' || user.scopeCodes.length === 0 ? undefined : user.scopeCodes;
}
