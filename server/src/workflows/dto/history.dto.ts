import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsISO8601, IsOptional, IsUUID } from 'class-validator';
import { PageQuery } from '../../common/list';

const bool = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);

export class ListHistoryQuery extends PageQuery {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional() @IsUUID()
  ruleId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional() @IsUUID()
  caseId?: string;

  @ApiPropertyOptional({ description: 'false: failed runs only' })
  @IsOptional() @Transform(bool) @IsBoolean({ message: 'success must be true or false' })
  success?: boolean;

  @ApiPropertyOptional({ description: 'true: only COOLDOWN / MAX_DEPTH rows; false: only rows where the rule ran' })
  @IsOptional() @Transform(bool) @IsBoolean({ message: 'skipped must be true or false' })
  skipped?: boolean;

  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional() @IsISO8601()
  from?: string;

  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional() @IsISO8601()
  to?: string;
}

export class ListEventsQuery extends PageQuery {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional() @IsUUID()
  caseId?: string;
}
