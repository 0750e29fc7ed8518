import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { randomUUID } from 'node:crypto';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import type { AuthUser } from '../common/auth-user';
import { UsersService } from '../users/users.service';

/** `jti`: the token's own id (single sign-out); `ver`: the user's token version it was issued under. */
interface TokenClaims { sub: string; exp: number; jti: string; ver: number }

export interface Session {
  user: AuthUser;
  /** Epoch milliseconds. */
  expiresAt: number;
  tokenId: string;
  /** After an admin's reset: only auth/me, auth/change-password and auth/logout answer. */
  mustChangePassword: boolean;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Issues and checks access tokens; a token is only as good as its user's current state. Signing out ends a
 * token in every process at once because the check reads the database on every request: the user's row
 * (active, token version) and the revocation list, in one statement of two primary-key lookups.
 */
@Injectable()
export class TokenService {
  constructor(
    private readonly jwt: JwtService,
    private readonly users: UsersService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  issue(userId: string, tokenVersion: number): string {
    // Signed with the module's key (auth.module.ts: the JWT secret as a KeyObject).
    return this.jwt.sign({ sub: userId, ver: tokenVersion }, { algorithm: 'HS256', expiresIn: this.config.jwtExpiresInSeconds, jwtid: randomUUID() });
  }

  /** A token for a user signed in some other way (single sign-on), under their current token version. */
  async issueFor(userId: string): Promise<string> {
    const user = await this.users.findById(userId);
    return this.issue(userId, user?.tokenVersion ?? 0);
  }

  /** The active user the token names, with its expiry; null for a bad, expired, signed-out or superseded token. */
  async authenticate(token: string | undefined): Promise<Session | null> {
    if (!token) return null;
    let claims: TokenClaims;
    try {
      claims = this.jwt.verify<TokenClaims>(token, { algorithms: ['HS256'] });
    } catch {
      return null;
    }
    if (typeof claims.sub !== 'string' || !UUID.test(claims.sub)) return null;
    if (typeof claims.jti !== 'string' || !UUID.test(claims.jti) || !Number.isInteger(claims.ver)) return null;
    const state = await this.users.tokenState(claims.sub, claims.jti);
    if (!state || state.revoked) return null;
    if (claims.ver !== state.tokenVersion && claims.jti !== state.keptTokenId) return null;
    return { user: state.user, expiresAt: claims.exp * 1000, tokenId: claims.jti, mustChangePassword: state.mustChangePassword };
  }
}
