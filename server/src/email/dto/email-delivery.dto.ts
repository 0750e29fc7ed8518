import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID } from 'class-validator';
import { EMAIL_DELIVERY_STATUSES, type EmailDeliveryStatus } from '../../../../contracts/email';
import { PageQuery } from '../../common/list';

export class EmailDeliveryQuery extends PageQuery {
  @ApiPropertyOptional({ enum: EMAIL_DELIVERY_STATUSES })
  @IsOptional() @IsIn(EMAIL_DELIVERY_STATUSES, { message: `status must be one of ${EMAIL_DELIVERY_STATUSES.join(', ')}` })
  status?: EmailDeliveryStatus;

  @ApiPropertyOptional({ description: 'only the mails of this user' })
  @IsOptional() @IsUUID('all', { message: 'userId must be a UUID' })
  userId?: string;
}
