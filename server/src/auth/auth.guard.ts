import { CanActivate, ExecutionContext, ForbiddenException, Injectable, SetMetadata, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import type { Role } from '../common/enums';
import { IS_PUBLIC, ROLES_KEY } from '../common/decorators';
import { TokenService, type Session } from './token.service';

export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  return match?.[1];
}

const OPEN_WHILE_PASSWORD_CHANGE_REQUIRED = 'openWhilePasswordChangeRequired';

/** The route answers a user who must change their password first (auth/me, change-password, logout). */
export const OpenWhilePasswordChangeRequired = () => SetMetadata(OPEN_WHILE_PASSWORD_CHANGE_REQUIRED, true);

export type AuthenticatedRequest = Request & { user?: Session['user']; session?: Session };

/** Global guard: every route needs a valid token of an active user, and the role the route names. */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(private readonly reflector: Reflector, private readonly tokens: TokenService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const req = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const session = await this.tokens.authenticate(bearerToken(req.headers.authorization));
    if (!session) throw new UnauthorizedException('missing, invalid or expired token');
    req.user = session.user;
    req.session = session;
    if (session.mustChangePassword && !this.reflector.getAllAndOverride<boolean>(OPEN_WHILE_PASSWORD_CHANGE_REQUIRED, targets)) {
      throw new ForbiddenException('your password was reset: change it first (POST /api/v1/auth/change-password)');
    }
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    if (roles && !roles.includes(session.user.role)) {
      throw new ForbiddenException(`requires role ${roles.join(' or ')}`);
    }
    return true;
  }
}
