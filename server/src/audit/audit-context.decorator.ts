import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import type { AuthUser } from '../common/auth-user';
import type { AuditContext } from './audit.service';

/** The signed-in caller and their client address (as TRUST_PROXY decides it), for the audit log. */
export const Audited = createParamDecorator((_: unknown, ctx: ExecutionContext): AuditContext => {
  const req = ctx.switchToHttp().getRequest<Request & { user?: AuthUser }>();
  return { actor: req.user ? { id: req.user.id, name: req.user.name } : null, clientAddress: req.ip ?? null };
});
