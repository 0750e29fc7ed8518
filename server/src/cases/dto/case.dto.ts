import { ApiProperty, ApiPropertyOptional, OmitType, PartialType } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize, IsArray, IsIn, IsISO8601, IsOptional, IsString, IsUUID, Length, Matches, ValidateIf,
} from 'class-validator';
import {
  CASE_STATUSES, CASE_TYPES, SCOPE_CODE_PATTERN, SEVERITIES, type CaseStatus, type CaseType, type Severity,
} from '../../common/enums';
import type { CreateCaseRequest, UpdateCaseRequest } from '../../../../contracts/api';
import { PageQuery } from '../../common/list';
import { IsOmittable } from '../../common/validation';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class CreateCaseDto implements CreateCaseRequest {
  @ApiProperty({ example: 'Duplicate vendor payments Q3' })
  @Transform(trim) @IsString() @Length(1, 300)
  title: string;

  @ApiPropertyOptional()
  @IsOmittable() @IsString() @Length(0, 20000)
  description?: string;

  @ApiProperty({ enum: CASE_TYPES })
  @IsIn(CASE_TYPES)
  caseType: CaseType;

  @ApiProperty({ example: 'FIN' })
  @IsString() @Matches(SCOPE_CODE_PATTERN, { message: 'scopeCode must match ^[A-Z][A-Z0-9]{1,9}$' })
  scopeCode: string;

  @ApiPropertyOptional({ enum: SEVERITIES, default: 'MEDIUM' })
  @IsOmittable() @IsIn(SEVERITIES)
  severity?: Severity;

  @ApiPropertyOptional({ format: 'uuid', nullable: true })
  @IsOptional() @ValidateIf((_, v) => v !== null) @IsUUID()
  assigneeId?: string | null;

  @ApiPropertyOptional({ type: [String] })
  @IsOmittable() @IsArray() @ArrayMaxSize(50) @IsString({ each: true })
  tags?: string[];

  @ApiPropertyOptional({ format: 'date-time', nullable: true })
  @IsOptional() @ValidateIf((_, v) => v !== null) @IsISO8601({ strict: true })
  dueDate?: string | null;
}

/**
 * Any editable field of a case; scope and type are fixed at creation. Null
 * clears only what may be empty (assigneeId, dueDate); elsewhere it is a 400.
 */
export class UpdateCaseDto extends PartialType(OmitType(CreateCaseDto, ['caseType', 'scopeCode'] as const), { skipNullProperties: false })
  implements UpdateCaseRequest {
  @ApiPropertyOptional({ enum: CASE_STATUSES })
  @IsOmittable() @IsIn(CASE_STATUSES)
  status?: CaseStatus;
}

export const CASE_SORTS = [
  'createdAt', '-createdAt', 'updatedAt', '-updatedAt', 'dueDate', '-dueDate', 'caseNumber', '-caseNumber', 'severity', '-severity',
] as const;

export class ListCasesQuery extends PageQuery {
  @ApiPropertyOptional({ enum: CASE_STATUSES })
  @IsOptional() @IsIn(CASE_STATUSES)
  status?: CaseStatus;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional() @IsUUID()
  assigneeId?: string;

  @ApiPropertyOptional()
  @IsOptional() @Transform(({ value }) => (typeof value === 'string' ? value.trim().toLowerCase() : value)) @IsString() @Length(1, 50)
  tag?: string;

  @ApiPropertyOptional()
  @IsOptional() @Matches(SCOPE_CODE_PATTERN, { message: 'scopeCode must match ^[A-Z][A-Z0-9]{1,9}$' })
  scopeCode?: string;

  @ApiPropertyOptional({ enum: CASE_TYPES })
  @IsOptional() @IsIn(CASE_TYPES)
  caseType?: CaseType;

  @ApiPropertyOptional({ description: 'Free text: case number, title or description' })
  @IsOptional() @IsString() @Length(1, 200)
  q?: string;

  @ApiPropertyOptional({ enum: CASE_SORTS, default: '-createdAt' })
  @IsOptional() @IsIn(CASE_SORTS)
  sort?: (typeof CASE_SORTS)[number];
}

/** The contract's `case` (CONTRACT §5). */
export type { CaseView } from '../../../../contracts/api';
