import { canSeeScope } from '../common/auth-user';
import type { UserEntity } from './user.entity';

/** Why a user cannot work on (be assigned to, be told about) a case of some scope; null when they can. */
export type ScopeAccessProblem = 'NO_SUCH_USER' | 'DEACTIVATED' | 'OUT_OF_SCOPE' | null;

/** The one rule: the user exists, is active and may see the scope (need-to-know). */
export function scopeAccessProblem(user: UserEntity | undefined, scopeCode: string): ScopeAccessProblem {
  if (!user) return 'NO_SUCH_USER';
  if (!user.isActive) return 'DEACTIVATED';
  if (!canSeeScope(user, scopeCode)) return 'OUT_OF_SCOPE';
  return null;
}
