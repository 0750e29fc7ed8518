import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize, IsArray, IsBoolean, IsIn, IsInt, IsObject, IsOptional, IsString, IsUUID, Matches, Max, Min, ValidateNested, ValidateIf,
} from 'class-validator';
import { NOTIFICATION_PRIORITIES, type NotificationPriority } from '../../common/enums';

export class ListNotificationsQuery {
  @ApiPropertyOptional({ default: false })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean({ message: 'unreadOnly must be true or false' })
  unreadOnly?: boolean;

  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(200)
  limit: number = 50;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional() @IsString() @Matches(/^[A-Za-z0-9_-]{1,200}$/, { message: 'cursor is not valid' })
  cursor?: string;
}

import type { NotificationPreferences, QuietHours } from '../../../../contracts/api';
import { EMAIL_DIGESTS, type EmailDigest, type EmailPreferences } from '../../../../contracts/email';
export type { NotificationView } from '../../../../contracts/api';

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;

export class QuietHoursDto implements QuietHours {
  @Matches(HHMM, { message: 'quietHours.start must be HH:MM' })
  start: string;

  @Matches(HHMM, { message: 'quietHours.end must be HH:MM' })
  end: string;

  @IsString()
  timeZone: string;
}

export class EmailPreferencesDto implements EmailPreferences {
  @IsBoolean({ message: 'email.enabled must be true or false' })
  enabled: boolean;

  @IsIn(NOTIFICATION_PRIORITIES, { message: `email.minPriority must be one of ${NOTIFICATION_PRIORITIES.join(', ')}` })
  minPriority: NotificationPriority;

  @IsBoolean({ message: 'email.onlyWhenOffline must be true or false' })
  onlyWhenOffline: boolean;

  @IsIn(EMAIL_DIGESTS, { message: `email.digest must be one of ${EMAIL_DIGESTS.join(', ')}` })
  digest: EmailDigest;
}

export class NotificationPreferencesDto implements Omit<NotificationPreferences, 'email' | 'desktop'> {
  @ApiPropertyOptional({ enum: NOTIFICATION_PRIORITIES })
  @IsIn(NOTIFICATION_PRIORITIES)
  minToastPriority: NotificationPriority;

  @ApiPropertyOptional({ type: [String] })
  @IsArray() @ArrayMaxSize(500) @IsUUID('all', { each: true })
  mutedRuleIds: string[];

  @ApiPropertyOptional({ type: QuietHoursDto, nullable: true })
  @ValidateIf((_, v) => v !== null) @ValidateNested() @Type(() => QuietHoursDto)
  quietHours: QuietHoursDto | null;

  @ApiPropertyOptional({ type: EmailPreferencesDto, description: 'left out: the saved e-mail preferences stay' })
  @ValidateIf((_, v) => v !== undefined) @IsObject({ message: 'email must be an object' }) @ValidateNested() @Type(() => EmailPreferencesDto)
  email?: EmailPreferencesDto;

  @ApiPropertyOptional({ description: 'desktop notifications for HIGH and URGENT while the console tab is hidden; left out: unchanged' })
  // Left out: unchanged. null is not "left out" (IsOptional would let it through).
  @ValidateIf((_, v) => v !== undefined) @IsBoolean({ message: 'desktop must be true or false' })
  desktop?: boolean;
}
