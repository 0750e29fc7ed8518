/** Single sign-on settings (OIDC_*), parsed with the rest of the configuration at boot. */
export interface OidcConfig {
  issuerUrl: string;
  clientId: string;
  clientSecret: string;
  /** The claim holding the user's groups (default `groups`). */
  rolesClaim: string;
  adminGroups: string[];
  investigatorGroups: string[];
  /** The claim holding scope codes; unset: single sign-on leaves scopes empty (all cases). */
  scopesClaim: string | undefined;
  /** false: only the setup admin may still sign in with a password. */
  localLogin: boolean;
  /** Text of the console's sign-in button. */
  label: string;
  /** Base of the callback URL the provider returns to (PUBLIC_URL); unset: taken from the login request. */
  publicUrl: string | undefined;
}

type Env = Record<string, string | undefined>;

const list = (raw: string | undefined): string[] => (raw ?? '').split(',').map((g) => g.trim()).filter(Boolean);

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

/** Plain http is accepted for a provider on this machine only (tests, a local development provider). */
function issuerProblem(raw: string): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return `OIDC_ISSUER_URL must be a URL, got "${raw}"`;
  }
  if (url.protocol === 'https:') return null;
  if (url.protocol === 'http:' && (LOOPBACK_HOSTS.has(url.hostname) || url.hostname.startsWith('127.'))) return null;
  return 'OIDC_ISSUER_URL must use https (plain http only for a provider on a loopback address)';
}

/**
 * Null when single sign-on is off (none of issuer, client id and secret set); a half-configured provider is a
 * boot error, never a silently missing button.
 */
export function parseOidcConfig(env: Env, problems: string[]): OidcConfig | null {
  const issuerUrl = env.OIDC_ISSUER_URL?.trim() ?? '';
  const clientId = env.OIDC_CLIENT_ID?.trim() ?? '';
  const clientSecret = env.OIDC_CLIENT_SECRET ?? '';
  const given = [issuerUrl, clientId, clientSecret].filter(Boolean).length;
  if (given === 0) return null;
  if (given < 3) {
    problems.push('OIDC_ISSUER_URL, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET must be set together');
    return null;
  }
  const issuer = issuerProblem(issuerUrl);
  if (issuer) problems.push(issuer);
  const rawLocal = env.OIDC_LOCAL_LOGIN?.trim().toLowerCase();
  let localLogin = true;
  if (rawLocal) {
    if (['false', '0', 'no', 'off'].includes(rawLocal)) localLogin = false;
    else if (!['true', '1', 'yes', 'on'].includes(rawLocal)) problems.push(`OIDC_LOCAL_LOGIN must be true or false, got "${env.OIDC_LOCAL_LOGIN}"`);
  }
  const publicUrl = env.PUBLIC_URL?.trim().replace(/\/+$/, '') || undefined;
  if (publicUrl && !/^https?:\/\/[^/]+/.test(publicUrl)) problems.push(`PUBLIC_URL must be an http(s) URL, got "${env.PUBLIC_URL}"`);
  const adminGroups = list(env.OIDC_ADMIN_GROUPS);
  const investigatorGroups = list(env.OIDC_INVESTIGATOR_GROUPS);
  return {
    issuerUrl, clientId, clientSecret,
    rolesClaim: env.OIDC_ROLES_CLAIM?.trim() || 'groups',
    adminGroups, investigatorGroups,
    scopesClaim: env.OIDC_SCOPES_CLAIM?.trim() || undefined,
    localLogin,
    label: env.OIDC_LABEL?.trim() || 'single sign-on',
    publicUrl,
  };
}
