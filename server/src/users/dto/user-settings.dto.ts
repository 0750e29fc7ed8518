import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsString, Length, ValidateIf } from 'class-validator';
import { THEMES, TIME_FORMATS, type Theme, type TimeFormat } from '../../common/enums';
import { IsOmittable } from '../../common/validation';

/** Each field left out stays as it was. */
export class UserSettingsDto {
  @ApiPropertyOptional({ enum: THEMES, description: '`system` follows the light or dark preference of the operating system' })
  @IsOmittable() @IsIn(THEMES)
  theme?: Theme;

  @ApiPropertyOptional({ enum: TIME_FORMATS })
  @IsOmittable() @IsIn(TIME_FORMATS)
  timeFormat?: TimeFormat;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'Europe/Berlin', description: 'IANA time zone; null: the browser\'s own' })
  @ValidateIf((_, v) => v !== undefined && v !== null) @IsString() @Length(1, 100)
  timeZone?: string | null;
}
