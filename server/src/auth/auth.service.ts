import { Injectable, UnauthorizedException } from '@nestjs/common';
import { toUserView, UsersService } from '../users/users.service';
import type { UserView } from '../users/dto/user.dto';
import { LoginThrottle } from './login-throttle';
import { OidcService } from './oidc/oidc.service';
import { decoyHash, verifyPassword } from './password-hasher';
import { TokenService } from './token.service';

@Injectable()
export class AuthService {
  private readonly throttle = new LoginThrottle();

  constructor(private readonly users: UsersService, private readonly tokens: TokenService, private readonly oidc: OidcService) {}

  async login(email: string, password: string, address: string): Promise<{ accessToken: string; user: UserView }> {
    this.throttle.begin(email, address);
    let user: Awaited<ReturnType<UsersService['findByEmail']>>;
    let ok: boolean;
    try {
      user = await this.users.findByEmail(email.trim());
      ok = await verifyPassword(password, user?.passwordHash ?? (await decoyHash()));
    } catch (error) {
      // Not a wrong password: nothing was checked (e.g. the database is unavailable, a 503).
      this.throttle.abandoned(email, address);
      throw error;
    }
    if (!user || !ok || !user.isActive) throw new UnauthorizedException('invalid email or password');
    // Said only to someone who knew the password: OIDC_LOCAL_LOGIN=false leaves password sign-in to the setup admin.
    if (!(await this.oidc.passwordSignInAllowed(user.id))) throw new UnauthorizedException('password sign-in is turned off here: sign in through single sign-on');
    this.throttle.succeeded(email, address);
    return { accessToken: this.tokens.issue(user.id), user: toUserView(user) };
  }
}
