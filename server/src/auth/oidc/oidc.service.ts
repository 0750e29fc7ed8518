import { Inject, Injectable, Logger } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { JwtService } from '@nestjs/jwt';
import * as oidc from 'openid-client';
import type { AuthProviders } from '../../../../contracts/api';
import { AuditService, type AuditContext } from '../../audit/audit.service';
import { APP_CONFIG, type AppConfig } from '../../config/app-config';
import { TransactionRunner, type UnitOfWork } from '../../database/unit-of-work';
import { USER_ACCESS_CHANGED, UsersService } from '../../users/users.service';
import { TokenService } from '../token.service';
import { profileFromClaims } from './oidc-claims';
import type { OidcConfig } from './oidc-config';
import { OidcIdentityRepository, type OidcUserRow } from './oidc-identity.repository';

export const CALLBACK_PATH = '/api/v1/auth/oidc/callback';
/** The pending sign-in (state, nonce, PKCE verifier) lives in this cookie, signed, for ten minutes. */
export const PENDING_COOKIE = 'acos_oidc';
export const PENDING_TTL_SECONDS = 600;
const PENDING_AUDIENCE = 'oidc-pending-sign-in';

interface PendingSignIn { state: string; nonce: string; verifier: string; redirectUri: string }

/** A sign-in that ends on the console's login page with this message (never a 5xx page in the browser). */
export class SignInRefused extends Error {}

@Injectable()
export class OidcService {
  private readonly logger = new Logger('Oidc');
  private readonly settings: OidcConfig | null;
  private discovered: Promise<oidc.Configuration> | undefined;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly jwt: JwtService,
    private readonly tokens: TokenService,
    private readonly identities: OidcIdentityRepository,
    private readonly emitter: EventEmitter2,
    private readonly transactions: TransactionRunner,
    private readonly users: UsersService,
    private readonly audit: AuditService,
  ) {
    this.settings = config.oidc;
  }

  providers(): AuthProviders {
    return { local: this.settings?.localLogin ?? true, oidc: this.settings ? { label: this.settings.label } : null };
  }

  get enabled(): boolean {
    return this.settings !== null;
  }

  /** Whether a correct password may still sign this user in (OIDC_LOCAL_LOGIN=false keeps only the setup admin). */
  async passwordSignInAllowed(userId: string): Promise<boolean> {
    if (this.settings?.localLogin !== false) return true;
    return this.identities.isSetupAdmin(userId);
  }

  /** Where to send the browser, and the signed pending sign-in to keep in a cookie until it comes back. */
  async begin(requestOrigin: string): Promise<{ authorizationUrl: string; pending: string }> {
    const settings = this.require();
    const provider = await this.provider();
    const pending: PendingSignIn = {
      state: oidc.randomState(), nonce: oidc.randomNonce(), verifier: oidc.randomPKCECodeVerifier(),
      redirectUri: `${settings.publicUrl ?? requestOrigin}${CALLBACK_PATH}`,
    };
    const offered = provider.serverMetadata().scopes_supported ?? [];
    // Providers that put groups behind a scope of the same name (Keycloak, Okta) only send them when asked.
    const scope = ['openid', 'email', 'profile', ...[settings.rolesClaim, settings.scopesClaim].filter((s): s is string => !!s && offered.includes(s))];
    const url = oidc.buildAuthorizationUrl(provider, {
      redirect_uri: pending.redirectUri, scope: [...new Set(scope)].join(' '), state: pending.state, nonce: pending.nonce,
      code_challenge: await oidc.calculatePKCECodeChallenge(pending.verifier), code_challenge_method: 'S256',
    });
    const signed = this.jwt.sign({ ...pending }, { algorithm: 'HS256', expiresIn: PENDING_TTL_SECONDS, audience: PENDING_AUDIENCE });
    return { authorizationUrl: url.href, pending: signed };
  }

  /**
   * The provider came back: checks state, nonce and PKCE (openid-client), maps the claims onto the user (created at
   * first sign-in, updated at every one) and answers the app's access token.
   */
  async finish(query: URLSearchParams, pendingCookie: string | undefined, clientAddress: string | null = null): Promise<{ accessToken: string; user: OidcUserRow }> {
    this.require();
    const pending = this.readPending(pendingCookie);
    if (query.get('error')) {
      throw new SignInRefused(`the identity provider refused the sign-in (${query.get('error_description') || query.get('error')})`);
    }
    const provider = await this.provider();
    const currentUrl = new URL(pending.redirectUri);
    currentUrl.search = query.toString();
    let claims: Record<string, unknown>;
    try {
      const grant = await oidc.authorizationCodeGrant(provider, currentUrl, {
        pkceCodeVerifier: pending.verifier, expectedState: pending.state, expectedNonce: pending.nonce, idTokenExpected: true,
      });
      const idClaims = grant.claims()!;
      const userInfo = await oidc.fetchUserInfo(provider, grant.access_token, idClaims.sub);
      claims = { ...idClaims, ...userInfo, sub: idClaims.sub };
    } catch (error) {
      this.logger.warn(`sign-in through the identity provider failed: ${(error as Error).message}`);
      throw new SignInRefused('the sign-in could not be completed; please try again');
    }
    const user = await this.signIn(provider.serverMetadata().issuer, String(claims.sub), claims, clientAddress);
    return { accessToken: await this.tokens.issueFor(user.id), user };
  }

  /**
   * Like a password sign-in, one that ends here is in the audit log: LOGIN_SUCCEEDED (with what the provider's claims
   * changed) in the transaction that applies the profile and sets lastLoginAt, or LOGIN_FAILED with the reason.
   */
  private async signIn(issuer: string, subject: string, claims: Record<string, unknown>, clientAddress: string | null): Promise<OidcUserRow> {
    const result = profileFromClaims(claims, this.require());
    const existing = await this.identities.findByIdentity(issuer, subject);
    const context: AuditContext = { actor: existing ? { id: existing.id, name: existing.name } : null, clientAddress };
    const claimedEmail = typeof claims.email === 'string' ? claims.email.toLowerCase() : null;
    const refuse = async (reason: string, message: string): Promise<never> => {
      await this.audit.record(undefined, context, {
        action: 'LOGIN_FAILED', targetType: 'USER', targetId: existing?.id ?? null,
        detail: { email: existing?.email ?? claimedEmail, reason, provider: 'OIDC' },
      });
      throw new SignInRefused(message);
    };
    if ('problem' in result) return refuse('CLAIMS_REFUSED', result.problem);
    const { profile } = result;
    if (existing) {
      if (!existing.isActive) return refuse('DEACTIVATED', 'this account has been deactivated; ask an administrator');
      // The provider owns the e-mail too, unless it now names another account's address: then ours stays.
      if (profile.email.toLowerCase() !== existing.email && (await this.identities.emailTaken(profile.email, existing.id))) {
        profile.email = existing.email;
      }
      const updated = await this.transactions.run(async (uow) => {
        const applied = await this.identities.applyProfile(existing.id, profile, uow);
        await this.recordSignIn(uow, context, applied, { created: false, before: existing });
        return applied;
      });
      if (updated.role !== existing.role || updated.scopeCodes.join() !== existing.scopeCodes.join()) {
        this.emitter.emit(USER_ACCESS_CHANGED, { userId: updated.id, isActive: updated.isActive });
      }
      return updated;
    }
    // An account with this e-mail that signs in with a password is not taken over: the provider may let people
    // choose their own address. An administrator decides (README, "Single sign-on").
    const refusal = `an account with the e-mail ${profile.email} already exists and signs in with a password; ask an administrator`;
    if (await this.identities.emailTaken(profile.email)) return refuse('EMAIL_IN_USE', refusal);
    const created = await this.transactions.run(async (uow) => {
      const made = await this.identities.create(issuer, subject, profile, uow);
      if (made) await this.recordSignIn(uow, { ...context, actor: { id: made.id, name: made.name } }, made, { created: true });
      return made;
    });
    if (!created) {
      // Lost a race: the same person's other tab created it, or the e-mail was taken meanwhile.
      const raced = await this.identities.findByIdentity(issuer, subject);
      if (raced?.isActive) {
        await this.transactions.run((uow) => this.recordSignIn(uow, { ...context, actor: { id: raced.id, name: raced.name } }, raced, { created: false }));
        return raced;
      }
      return refuse('EMAIL_IN_USE', refusal);
    }
    this.logger.log(`created ${created.role} ${created.email} at their first sign-in through the identity provider`);
    return created;
  }

  /** lastLoginAt and LOGIN_SUCCEEDED; the detail names the role and scopes the claims changed, if any. */
  private async recordSignIn(uow: UnitOfWork, context: AuditContext, user: OidcUserRow, how: { created: boolean; before?: OidcUserRow }): Promise<void> {
    await this.users.recordLogin(user.id, null, uow);
    const detail: Record<string, unknown> = { provider: 'OIDC', created: how.created };
    const before = how.before;
    if (before) {
      const changed = (['role', 'scopeCodes', 'name', 'email'] as const)
        .filter((key) => JSON.stringify(before[key]) !== JSON.stringify(user[key]));
      if (changed.length) {
        detail.before = Object.fromEntries(changed.map((key) => [key, before[key]]));
        detail.after = Object.fromEntries(changed.map((key) => [key, user[key]]));
      }
    } else {
      Object.assign(detail, { email: user.email, role: user.role, scopeCodes: user.scopeCodes });
    }
    await this.audit.record(uow, context, { action: 'LOGIN_SUCCEEDED', targetType: 'USER', targetId: user.id, detail });
  }

  private readPending(cookie: string | undefined): PendingSignIn {
    try {
      if (!cookie) throw new Error('no cookie');
      const p = this.jwt.verify<PendingSignIn>(cookie, { algorithms: ['HS256'], audience: PENDING_AUDIENCE });
      if (![p.state, p.nonce, p.verifier, p.redirectUri].every((v) => typeof v === 'string')) throw new Error('malformed');
      return p;
    } catch {
      throw new SignInRefused('the sign-in expired or was started in another browser; please try again');
    }
  }

  /** Discovery once per process; a failure is retried at the next sign-in rather than remembered. */
  private provider(): Promise<oidc.Configuration> {
    const settings = this.require();
    this.discovered ??= oidc.discovery(
      new URL(settings.issuerUrl), settings.clientId, undefined, oidc.ClientSecretBasic(settings.clientSecret),
      // http is only accepted for a loopback provider (validated in oidc-config.ts).
      settings.issuerUrl.startsWith('http:') ? { execute: [oidc.allowInsecureRequests], timeout: 10 } : { timeout: 10 },
    );
    return this.discovered.catch((error) => {
      this.discovered = undefined;
      this.logger.warn(`the identity provider at ${settings.issuerUrl} could not be reached: ${(error as Error).message}`);
      throw new SignInRefused('the identity provider cannot be reached right now; please try again later');
    });
  }

  private require(): OidcConfig {
    if (!this.settings) throw new Error('single sign-on is not configured');
    return this.settings;
  }
}
