// A real OpenID provider for the tests (the `oidc-provider` package, in-process on 127.0.0.1): one confidential
// client, a few people with groups, its development login page (any password is accepted for a known login).
// Used by the server tests (server/src/auth/oidc) and started by scripts/e2e.mjs before the server.
import { createServer } from 'node:http';
import Provider from 'oidc-provider';

export const OIDC_CLIENT = { id: 'auditcaseos-test', secret: 'auditcaseos-test-secret-0123456789' };

/** Known logins → claims. Group names are those the tests pass as OIDC_ADMIN_GROUPS / OIDC_INVESTIGATOR_GROUPS. */
export function defaultPeople() {
  return new Map([
    ['olga', { email: 'olga.admin@idp.test', name: 'Olga Okta-Admin', groups: ['acos-admins', 'staff'], acos_scopes: [] }],
    ['ines', { email: 'ines.investigator@idp.test', name: 'Ines Investigator', groups: ['acos-investigators'], acos_scopes: ['FIN', 'hr', 'OPS'] }],
    ['victor', { email: 'victor.viewer@idp.test', name: 'Victor Viewer', groups: ['staff'], acos_scopes: [] }],
  ]);
}

/**
 * Starts the provider. `redirectUris` are the client's registered callbacks (exact match, as a real provider
 * does). `people` may be changed while it runs (a group removed, an e-mail changed): the next sign-in sees it.
 */
export async function startOidcPeer({ redirectUris, people = defaultPeople(), port = 0 } = {}) {
  const server = createServer();
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const claimsOf = (login) => people.get(login);
  const provider = new Provider(issuer, {
    clients: [{
      client_id: OIDC_CLIENT.id, client_secret: OIDC_CLIENT.secret, redirect_uris: redirectUris,
      grant_types: ['authorization_code'], response_types: ['code'], token_endpoint_auth_method: 'client_secret_basic',
    }],
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'], groups: ['groups'], acos_scopes: ['acos_scopes'] },
    scopes: ['openid', 'email', 'profile', 'groups', 'acos_scopes'],
    pkce: { required: () => true },
    features: { devInteractions: { enabled: true } },
    cookies: { keys: ['oidc-peer-test-cookie-key-0123456789'] },
    async findAccount(_ctx, sub) {
      if (!claimsOf(sub)) return undefined;
      return {
        accountId: sub,
        async claims() {
          const person = claimsOf(sub) ?? {};
          return { sub, email: person.email, email_verified: true, name: person.name, groups: person.groups, acos_scopes: person.acos_scopes };
        },
      };
    },
    // The test client is first-party: no consent screen, every requested scope and claim granted.
    async loadExistingGrant(ctx) {
      const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
      if (grantId) return ctx.oidc.provider.Grant.find(grantId);
      const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
      grant.addOIDCScope(ctx.oidc.params.scope ?? 'openid');
      await grant.save();
      return grant;
    },
  });
  server.on('request', provider.callback());
  return {
    issuer,
    people,
    close: () => new Promise((resolve) => {
      server.closeAllConnections?.();
      server.close(() => resolve());
    }),
  };
}
