import { BadRequestException, Injectable, UnauthorizedException } from '@nestjs/common';
import { AuditService, type AuditContext } from '../audit/audit.service';
import { TransactionRunner } from '../database/unit-of-work';
import { toUserView, UsersService } from '../users/users.service';
import type { UserView } from '../users/dto/user.dto';
import { LoginThrottle } from './login-throttle';
import { OidcService } from './oidc/oidc.service';
import { assertPasswordAllowed } from './password-policy';
import { decoyHash, hashPassword, needsRehash, verifyPassword } from './password-hasher';
import { TokenService, type Session } from './token.service';

@Injectable()
export class AuthService {
  constructor(
    private readonly users: UsersService,
    private readonly tokens: TokenService,
    private readonly throttle: LoginThrottle,
    private readonly transactions: TransactionRunner,
    private readonly audit: AuditService,
    private readonly oidc: OidcService,
  ) {}

  async login(email: string, password: string, address: string): Promise<{ accessToken: string; user: UserView }> {
    const attempt = await this.throttle.begin(email, address);
    let user: Awaited<ReturnType<UsersService['findByEmail']>>;
    let ok: boolean;
    try {
      user = await this.users.findByEmail(email);
      ok = await verifyPassword(password, user?.passwordHash ?? (await decoyHash()));
    } catch (error) {
      // Not a wrong password: nothing was checked (e.g. the database is unavailable, a 503).
      await this.throttle.abandoned(attempt);
      throw error;
    }
    const context: AuditContext = { actor: user ? { id: user.id, name: user.name } : null, clientAddress: address };
    if (!user || !ok || !user.isActive) {
      await this.audit.record(undefined, context, {
        action: 'LOGIN_FAILED', targetType: 'USER', targetId: user?.id ?? null,
        detail: { email: email.trim().toLowerCase(), reason: !user ? 'UNKNOWN_EMAIL' : !ok ? 'WRONG_PASSWORD' : 'DEACTIVATED' },
      });
      throw new UnauthorizedException('invalid email or password');
    }
    // Said only to someone who knew the password: OIDC_LOCAL_LOGIN=false leaves password sign-in to the setup admin.
    if (!(await this.oidc.passwordSignInAllowed(user.id))) {
      await this.throttle.abandoned(attempt);
      throw new UnauthorizedException('password sign-in is turned off here: sign in through single sign-on');
    }
    // Hashes made with older parameters are brought up to today's while the password is at hand.
    const upgradedHash = needsRehash(user.passwordHash ?? '') ? await hashPassword(password) : null;
    const signedIn = user;
    await this.transactions.run(async (uow) => {
      await this.throttle.succeeded(attempt, email, address, uow);
      signedIn.lastLoginAt = await this.users.recordLogin(signedIn.id, upgradedHash, uow);
      await this.audit.record(uow, context, { action: 'LOGIN_SUCCEEDED', targetType: 'USER', targetId: signedIn.id, detail: { hashUpgraded: !!upgradedHash } });
    });
    return { accessToken: this.tokens.issue(user.id, user.tokenVersion), user: toUserView(user) };
  }

  /** The user's other tokens and sockets end; this one keeps working. A wrong current password is a 400. */
  async changePassword(session: Session, currentPassword: string, newPassword: string, context: AuditContext): Promise<void> {
    const user = await this.users.findById(session.user.id);
    if (!user) throw new UnauthorizedException('missing, invalid or expired token');
    if (user.authProvider !== 'LOCAL') throw new BadRequestException('you sign in through single sign-on: change your password there');
    if (!(await verifyPassword(currentPassword, user.passwordHash ?? ''))) throw new BadRequestException('currentPassword is wrong');
    assertPasswordAllowed(newPassword, user.email);
    const hash = await hashPassword(newPassword);
    await this.transactions.run(async (uow) => {
      await this.users.setPassword(user.id, hash, false, uow);
      await this.users.endSessions(user.id, session.tokenId, uow);
      await this.audit.record(uow, context, { action: 'PASSWORD_CHANGED', targetType: 'USER', targetId: user.id });
    });
  }

  /** This token stops working at once, in every process, and its sockets close. */
  async logout(session: Session, context: AuditContext): Promise<void> {
    await this.transactions.run(async (uow) => {
      await this.users.endToken(session.user.id, session.tokenId, new Date(session.expiresAt), uow);
      await this.audit.record(uow, context, { action: 'LOGOUT', targetType: 'USER', targetId: session.user.id, detail: { everywhere: false } });
    });
  }

  /** Every token and socket of the user ends. */
  async logoutAll(session: Session, context: AuditContext): Promise<void> {
    await this.transactions.run(async (uow) => {
      await this.users.endSessions(session.user.id, null, uow);
      await this.audit.record(uow, context, { action: 'LOGOUT', targetType: 'USER', targetId: session.user.id, detail: { everywhere: true } });
    });
  }
}
