import { ApiProperty, ApiPropertyOptional, OmitType, PartialType } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize, IsArray, IsBoolean, IsIn, IsInt, IsObject, IsOptional, IsString, IsUUID, Length, Matches, Max, Min, ValidateNested,
} from 'class-validator';
import { CASE_TYPES, SCOPE_CODE_PATTERN, type CaseType } from '../../common/enums';
import { EVENT_NAMES } from '../../events/event-map';
import { PageQuery } from '../../common/list';
import { ACTION_TYPES, TRIGGER_TYPES, type ActionType, type TriggerType } from '../rules/rule.types';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
const bool = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);

export class ActionDto {
  @ApiProperty({ enum: ACTION_TYPES })
  @IsIn(ACTION_TYPES)
  actionType: ActionType;

  @ApiProperty({ type: 'object', additionalProperties: true, example: { status: 'IN_PROGRESS' } })
  @IsObject()
  actionConfig: Record<string, unknown>;

  @ApiPropertyOptional({ description: 'Order within the rule; defaults to after the last action' })
  @IsOptional() @IsInt() @Min(0) @Max(10000)
  sequence?: number;
}

export class UpdateActionDto {
  @ApiPropertyOptional({ enum: ACTION_TYPES })
  @IsOptional() @IsIn(ACTION_TYPES)
  actionType?: ActionType;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  @IsOptional() @IsObject()
  actionConfig?: Record<string, unknown>;

  @ApiPropertyOptional()
  @IsOptional() @IsInt() @Min(0) @Max(10000)
  sequence?: number;
}

export class CreateRuleDto {
  @ApiProperty({ example: 'Notify assignee on review' })
  @Transform(trim) @IsString() @Length(1, 200)
  name: string;

  @ApiPropertyOptional()
  @IsOptional() @IsString() @Length(0, 2000)
  description?: string;

  @ApiProperty({ enum: TRIGGER_TYPES })
  @IsIn(TRIGGER_TYPES)
  triggerType: TriggerType;

  @ApiProperty({ type: 'object', additionalProperties: true, example: { toStatus: ['UNDER_REVIEW'] } })
  @IsObject()
  triggerConfig: Record<string, unknown>;

  @ApiPropertyOptional({ default: true })
  @IsOptional() @IsBoolean()
  isEnabled?: boolean;

  @ApiPropertyOptional({ default: 100, description: 'Lower runs first' })
  @IsOptional() @IsInt() @Min(0) @Max(1_000_000)
  priority?: number;

  @ApiPropertyOptional({ default: false })
  @IsOptional() @IsBoolean()
  stopProcessing?: boolean;

  @ApiPropertyOptional({ default: 300 })
  @IsOptional() @IsInt() @Min(0) @Max(31_536_000)
  cooldownSeconds?: number;

  @ApiPropertyOptional({ type: [String], description: 'Empty = every scope' })
  @IsOptional() @IsArray() @ArrayMaxSize(100) @Matches(SCOPE_CODE_PATTERN, { each: true, message: 'each value in scopeCodes must match ^[A-Z][A-Z0-9]{1,9}$' })
  scopeCodes?: string[];

  @ApiPropertyOptional({ enum: CASE_TYPES, isArray: true, description: 'Empty = every case type' })
  @IsOptional() @IsArray() @IsIn(CASE_TYPES, { each: true })
  caseTypes?: CaseType[];

  @ApiPropertyOptional({ type: [ActionDto] })
  @IsOptional() @IsArray() @ArrayMaxSize(20) @ValidateNested({ each: true }) @Type(() => ActionDto)
  actions?: ActionDto[];
}

/** PUT: every rule field (left out: the default, as for POST) and the complete list of actions. */
export class ReplaceRuleDto extends OmitType(CreateRuleDto, ['actions'] as const) {
  @ApiProperty({ type: [ActionDto], description: 'The rule\'s actions after the save; [] removes them all' })
  @IsArray() @ArrayMaxSize(20) @ValidateNested({ each: true }) @Type(() => ActionDto)
  actions: ActionDto[];
}

/** Any rule field; actions change through their own routes. */
export class UpdateRuleDto extends PartialType(OmitType(CreateRuleDto, ['actions'] as const)) {}

export class ListRulesQuery extends PageQuery {
  @ApiPropertyOptional({ enum: TRIGGER_TYPES })
  @IsOptional() @IsIn(TRIGGER_TYPES)
  triggerType?: TriggerType;

  @ApiPropertyOptional()
  @IsOptional() @Transform(bool) @IsBoolean({ message: 'isEnabled must be true or false' })
  isEnabled?: boolean;

  @ApiPropertyOptional({ description: 'Rule name contains (case-insensitive)', maxLength: 200 })
  @IsOptional() @Transform(trim) @IsString() @Length(0, 200)
  q?: string;
}

export class DryRunEventDto {
  @ApiProperty({ enum: EVENT_NAMES })
  @IsIn(EVENT_NAMES)
  name: (typeof EVENT_NAMES)[number];

  @ApiPropertyOptional()
  @IsOptional() @IsIn(['OPEN', 'IN_PROGRESS', 'UNDER_REVIEW', 'CLOSED', 'ARCHIVED'])
  fromStatus?: string;

  @ApiPropertyOptional()
  @IsOptional() @IsIn(['OPEN', 'IN_PROGRESS', 'UNDER_REVIEW', 'CLOSED', 'ARCHIVED'])
  toStatus?: string;
}

export class DryRunDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  caseId: string;

  @ApiPropertyOptional({ type: DryRunEventDto })
  @IsOptional() @ValidateNested() @Type(() => DryRunEventDto)
  event?: DryRunEventDto;
}

/** POST /rules/test: the dry run of a rule that is not saved (validated like POST /rules). */
export class DraftDryRunDto extends DryRunDto {
  @ApiProperty({ type: CreateRuleDto, description: 'The rule as it would be sent to POST /rules' })
  @IsObject() @ValidateNested() @Type(() => CreateRuleDto)
  rule: CreateRuleDto;
}

export class CronPreviewQuery {
  @ApiProperty({ example: '0 8 * * 1-5', description: '5 fields, or 6 with seconds first' })
  @IsString() @Length(1, 200)
  cron: string;

  @ApiPropertyOptional({ default: 'UTC', example: 'Europe/Berlin' })
  @IsOptional() @IsString() @Length(1, 100)
  timeZone?: string;
}

/** A rule as exported: no ids, no timestamps; import takes the same shape. */
export class RuleTransferDto {
  @ApiPropertyOptional({ example: 'auditcaseos-rules' })
  @IsOptional() @IsIn(['auditcaseos-rules'])
  format?: string;

  @ApiPropertyOptional({ example: 1 })
  @IsOptional() @IsIn([1])
  version?: number;

  @ApiPropertyOptional()
  @IsOptional() @IsString()
  exportedAt?: string;

  @ApiProperty({ type: [CreateRuleDto] })
  @IsArray() @ArrayMaxSize(1000) @ValidateNested({ each: true }) @Type(() => CreateRuleDto)
  rules: CreateRuleDto[];
}

export class BacktestDto {
  @ApiPropertyOptional({ type: CreateRuleDto, description: 'A rule body as for POST /rules (a draft being edited); give this or ruleId' })
  @IsOptional() @IsObject() @ValidateNested() @Type(() => CreateRuleDto)
  rule?: CreateRuleDto;

  @ApiPropertyOptional({ format: 'uuid', description: 'A saved rule; give this or rule' })
  @IsOptional() @IsUUID()
  ruleId?: string;

  @ApiProperty({ minimum: 1, example: 7, description: 'How many days back to replay: 1 … the event retention (TRACE_RETENTION_DAYS)' })
  @IsInt()
  days: number;

  @ApiPropertyOptional({ description: 'When given, progress is pushed to the caller\'s sockets as workflow:backtest-progress with this id' })
  @IsOptional() @IsString() @Length(1, 100)
  progressId?: string;
}
