import { describe, expect, it } from '@jest/globals';
import { profileFromClaims } from './oidc-claims';
import { parseOidcConfig } from './oidc-config';

const parse = (env: Record<string, string>) => {
  const problems: string[] = [];
  return { config: parseOidcConfig(env, problems), problems };
};
const ON = { OIDC_ISSUER_URL: 'https://idp.example.com/realms/acme', OIDC_CLIENT_ID: 'acos', OIDC_CLIENT_SECRET: 's3cret' };

describe('single sign-on configuration', () => {
  it('is off unless issuer, client id and secret are all set, and a half configuration is a boot error', () => {
    expect(parse({})).toEqual({ config: null, problems: [] });
    expect(parse({ OIDC_ISSUER_URL: ON.OIDC_ISSUER_URL }).problems).toEqual(['OIDC_ISSUER_URL, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET must be set together']);
  });

  it('has the documented defaults and reads comma lists', () => {
    const { config, problems } = parse({ ...ON, OIDC_ADMIN_GROUPS: 'admins, it ,', OIDC_INVESTIGATOR_GROUPS: 'audit' });
    expect(problems).toEqual([]);
    expect(config).toMatchObject({ rolesClaim: 'groups', adminGroups: ['admins', 'it'], investigatorGroups: ['audit'], scopesClaim: undefined, localLogin: true, label: 'single sign-on' });
    expect(parse({ ...ON, OIDC_LOCAL_LOGIN: 'false' }).config?.localLogin).toBe(false);
  });

  it('refuses plain http except on loopback, and nonsense booleans', () => {
    expect(parse({ ...ON, OIDC_ISSUER_URL: 'http://idp.example.com' }).problems).toEqual([expect.stringMatching(/https/)]);
    expect(parse({ ...ON, OIDC_ISSUER_URL: 'http://127.0.0.1:4000' }).problems).toEqual([]);
    expect(parse({ ...ON, OIDC_ISSUER_URL: 'not a url' }).problems).toEqual([expect.stringMatching(/must be a URL/)]);
    expect(parse({ ...ON, OIDC_LOCAL_LOGIN: 'maybe' }).problems).toEqual([expect.stringMatching(/OIDC_LOCAL_LOGIN/)]);
  });
});

describe('claims to a profile', () => {
  const config = { rolesClaim: 'roles', adminGroups: ['admins'], investigatorGroups: ['audit'], scopesClaim: 'scopes' };

  it('maps groups to a role (admin wins, else investigator, else viewer) and keeps valid scope codes', () => {
    const profile = (claims: Record<string, unknown>) => profileFromClaims({ email: 'a@b.c', ...claims }, config);
    expect(profile({ roles: ['audit', 'admins'] })).toMatchObject({ profile: { role: 'ADMIN' } });
    expect(profile({ roles: 'audit' })).toMatchObject({ profile: { role: 'INVESTIGATOR' } });
    expect(profile({ roles: ['Admins'] })).toMatchObject({ profile: { role: 'VIEWER' } });
    expect(profile({})).toMatchObject({ profile: { role: 'VIEWER', scopeCodes: [], name: 'a@b.c' } });
    expect(profile({ scopes: 'FIN, hr OPS FIN' })).toMatchObject({ profile: { scopeCodes: ['FIN', 'OPS'] } });
    expect(profile({ given_name: 'Ada', family_name: 'L' })).toMatchObject({ profile: { name: 'Ada L' } });
  });

  it('needs an e-mail address', () => {
    expect(profileFromClaims({ name: 'x' }, config)).toEqual({ problem: expect.stringMatching(/e-mail/) });
  });
});
