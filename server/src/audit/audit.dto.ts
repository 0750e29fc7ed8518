import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional, IsString, IsUUID, Length } from 'class-validator';
import { AUDIT_ACTIONS, type AuditAction } from '../../../contracts/enums';
import { PageQuery } from '../common/list';

export class AuditQuery extends PageQuery {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional() @IsUUID()
  actorId?: string;

  @ApiPropertyOptional({ enum: AUDIT_ACTIONS })
  @IsOptional() @IsIn(AUDIT_ACTIONS)
  action?: AuditAction;

  @ApiPropertyOptional({ description: 'the user, rule or webhook id the entry names' })
  @IsOptional() @IsString() @Length(1, 100)
  targetId?: string;

  @ApiPropertyOptional({ description: 'ISO-8601, inclusive' })
  @IsOptional() @IsISO8601({ strict: true })
  from?: string;

  @ApiPropertyOptional({ description: 'ISO-8601, inclusive' })
  @IsOptional() @IsISO8601({ strict: true })
  to?: string;
}
