import {
  Body, Controller, Get, Param, ParseUUIDPipe, Post, Query, Req, Res, UnsupportedMediaTypeException, UploadedFile, UseInterceptors,
} from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { pipeline } from 'node:stream/promises';
import type { AuthUser } from '../common/auth-user';
import { CurrentUser, Roles } from '../common/decorators';
import { PageQuery } from '../common/list';
import { CaseVisibleBeforeUpload } from './case-visible-before-upload.interceptor';
import { EvidenceService } from './evidence.service';
import type { StoredFile } from './evidence-storage';

/** RFC 6266: an ASCII fallback plus the exact name as an RFC 5987 ext-value (whose attr-chars exclude ' ( ) *). */
export function contentDisposition(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  const encoded = encodeURIComponent(filename).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

@ApiTags('evidence')
@ApiBearerAuth()
@Controller()
export class EvidenceController {
  constructor(private readonly evidence: EvidenceService) {}

  @Post('cases/:id/evidence')
  @Roles('ADMIN', 'INVESTIGATOR')
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: { type: 'object', required: ['file'], properties: { file: { type: 'string', format: 'binary' }, description: { type: 'string' } } } })
  // Order matters: the case is checked before the multipart body is read.
  @UseInterceptors(CaseVisibleBeforeUpload, FileInterceptor('file'))
  upload(
    @CurrentUser() user: AuthUser,
    @Param('id', new ParseUUIDPipe()) caseId: string,
    @UploadedFile() file: StoredFile | undefined,
    @Body() body: Record<string, unknown>,
    @Req() req: Request,
  ) {
    if (!req.is('multipart/form-data')) throw new UnsupportedMediaTypeException('use multipart/form-data with a field named "file"');
    return this.evidence.upload(user, caseId, file, body ?? {});
  }

  @Get('cases/:id/evidence')
  list(@CurrentUser() user: AuthUser, @Param('id', new ParseUUIDPipe()) caseId: string, @Query() page: PageQuery) {
    return this.evidence.list(user, caseId, page);
  }

  @Get('evidence/:id/download')
  async download(@CurrentUser() user: AuthUser, @Param('id', new ParseUUIDPipe()) id: string, @Res() res: Response) {
    const { view, stream } = await this.evidence.open(user, id);
    res.setHeader('Content-Type', view.mimeType);
    res.setHeader('Content-Length', String(view.sizeBytes));
    res.setHeader('Content-Disposition', contentDisposition(view.filename));
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Content-Security-Policy', "default-src 'none'; sandbox");
    // pipeline, not pipe: a client that goes away mid-download must release the file too.
    pipeline(stream, res).catch(() => undefined);
  }
}
