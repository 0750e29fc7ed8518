import { SCOPE_CODE_PATTERN, type Role } from '../../common/enums';
import type { OidcConfig } from './oidc-config';
import type { OidcProfile } from './oidc-identity.repository';

type Claims = Record<string, unknown>;

/** A claim as a list of strings: providers send an array, some a single string, some a comma or space separated one. */
function stringList(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string').map((v) => v.trim()).filter(Boolean);
  if (typeof value === 'string') return value.split(/[\s,]+/).filter(Boolean);
  return [];
}

/** Admin groups win over investigator groups; a user in neither is a VIEWER. */
export function roleFromGroups(groups: string[], config: Pick<OidcConfig, 'adminGroups' | 'investigatorGroups'>): Role {
  if (groups.some((g) => config.adminGroups.includes(g))) return 'ADMIN';
  if (groups.some((g) => config.investigatorGroups.includes(g))) return 'INVESTIGATOR';
  return 'VIEWER';
}

export type ProfileResult = { profile: OidcProfile } | { problem: string };

/**
 * The user the provider describes, from the ID token's claims merged with userinfo. Scope codes that do not look
 * like ours (`^[A-Z][A-Z0-9]{1,9}$`) are dropped rather than refusing the sign-in.
 */
export function profileFromClaims(claims: Claims, config: Pick<OidcConfig, 'rolesClaim' | 'adminGroups' | 'investigatorGroups' | 'scopesClaim'>): ProfileResult {
  const email = typeof claims.email === 'string' ? claims.email.trim() : '';
  if (!/^[^@\s]+@[^@\s]+$/.test(email) || email.length > 254) {
    return { problem: 'the identity provider did not send an e-mail address for this account' };
  }
  const named = [claims.name, [claims.given_name, claims.family_name].filter((p) => typeof p === 'string').join(' '), claims.preferred_username]
    .find((n): n is string => typeof n === 'string' && n.trim().length > 0);
  const name = (named ?? email).trim().slice(0, 200);
  const role = roleFromGroups(stringList(claims[config.rolesClaim]), config);
  const scopeCodes = config.scopesClaim
    ? [...new Set(stringList(claims[config.scopesClaim]).filter((code) => SCOPE_CODE_PATTERN.test(code)))]
    : [];
  return { profile: { email, name, role, scopeCodes } };
}
