import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Roles } from '../common/decorators';
import { AuditService } from './audit.service';
import { AuditQuery } from './audit.dto';

@ApiTags('audit')
@ApiBearerAuth()
@Controller('audit-log')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  /** Newest first. Entries are never changed or removed: there is no other route here. */
  @Get()
  @Roles('ADMIN')
  list(@Query() query: AuditQuery) {
    const { limit, offset, from, to, ...filter } = query;
    return this.audit.list({ ...filter, from: from ? new Date(from) : undefined, to: to ? new Date(to) : undefined }, limit, offset);
  }
}
