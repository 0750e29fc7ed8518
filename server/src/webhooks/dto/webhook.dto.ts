import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional, IsString, Length } from 'class-validator';
import type { CreateWebhookRequest } from '../../../../contracts/webhooks';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class CreateWebhookDto implements CreateWebhookRequest {
  @ApiProperty({ minLength: 1, maxLength: 100 })
  @Transform(trim) @IsString() @Length(1, 100)
  name!: string;

  @ApiProperty({ description: 'http or https; private, loopback and metadata addresses are refused unless WEBHOOK_ALLOW_PRIVATE=true' })
  @Transform(trim) @IsString() @Length(1, 2000)
  url!: string;

  @ApiPropertyOptional({ default: true })
  @IsOptional() @IsBoolean()
  isEnabled?: boolean;
}

export class UpdateWebhookDto extends PartialType(CreateWebhookDto) {}
