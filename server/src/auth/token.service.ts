import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import type { AuthUser } from '../common/auth-user';
import { UsersService } from '../users/users.service';

interface TokenClaims { sub: string; exp: number }

/** Issues and checks access tokens; a token is only as good as its user's current state. */
@Injectable()
export class TokenService {
  constructor(
    private readonly jwt: JwtService,
    private readonly users: UsersService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  issue(userId: string): string {
    // Signed with the module's key (auth.module.ts: the JWT secret as a KeyObject).
    return this.jwt.sign({ sub: userId }, { algorithm: 'HS256', expiresIn: this.config.jwtExpiresInSeconds });
  }

  /** The active user the token names, with its expiry; null for a bad, expired or revoked token. */
  async authenticate(token: string | undefined): Promise<{ user: AuthUser; expiresAt: number } | null> {
    if (!token) return null;
    let claims: TokenClaims;
    try {
      claims = this.jwt.verify<TokenClaims>(token, { algorithms: ['HS256'] });
    } catch {
      return null;
    }
    if (typeof claims.sub !== 'string' || !/^[0-9a-f-]{36}$/i.test(claims.sub)) return null;
    const user = await this.users.findActive(claims.sub);
    return user ? { user, expiresAt: claims.exp * 1000 } : null;
  }
}
