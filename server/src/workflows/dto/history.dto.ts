import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsISO8601, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { PageQuery } from '../../common/list';

const bool = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);

export class ListHistoryQuery extends PageQuery {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional() @IsUUID()
  ruleId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional() @IsUUID()
  caseId?: string;

  @ApiPropertyOptional({ description: 'Exact case number, e.g. FIN-2026-0001 (case does not matter)' })
  @IsOptional() @IsString() @MaxLength(40)
  @Transform(({ value }) => (typeof value === 'string' ? value.trim().toUpperCase() : value))
  caseNumber?: string;

  @ApiPropertyOptional({ description: 'Rule name contains (case-insensitive)' })
  @IsOptional() @IsString() @MaxLength(200)
  q?: string;

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

/** The export takes the list's filters; paging does not apply (every matching row is exported). */
export class ExportHistoryQuery extends ListHistoryQuery {}

export class ListEventsQuery extends PageQuery {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional() @IsUUID()
  caseId?: string;
}
