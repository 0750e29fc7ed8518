import { BadRequestException, Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { Request, Response } from 'express';
import { isUUID } from 'class-validator';
import type { Observable } from 'rxjs';
import { CasesService } from '../cases/cases.service';
import type { AuthUser } from '../common/auth-user';

/**
 * Runs before the multipart interceptor: an upload to a case the caller cannot see (or that does not exist)
 * is answered 404 before a byte of its body is read or stored. The connection is closed after the answer,
 * so the server does not drain the rest of a large body either.
 */
@Injectable()
export class CaseVisibleBeforeUpload implements NestInterceptor {
  constructor(private readonly cases: CasesService) {}

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const http = context.switchToHttp();
    const req = http.getRequest<Request & { user: AuthUser }>();
    const res = http.getResponse<Response>();
    const caseId = String(req.params.id);
    try {
      if (!isUUID(caseId)) throw new BadRequestException('Validation failed (uuid is expected)');
      await this.cases.requireVisible(req.user, caseId);
    } catch (error) {
      res.setHeader('Connection', 'close');
      throw error;
    }
    return next.handle();
  }
}
