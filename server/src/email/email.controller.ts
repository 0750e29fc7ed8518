import { Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Roles } from '../common/decorators';
import { EmailDeliveryQuery } from './dto/email-delivery.dto';
import { EmailService } from './email.service';

/** The e-mail delivery log, for admins (status, attempts, last error of every queued mail). */
@ApiTags('email')
@ApiBearerAuth()
@Roles('ADMIN')
@Controller('email-deliveries')
export class EmailController {
  constructor(private readonly email: EmailService) {}

  @Get()
  list(@Query() query: EmailDeliveryQuery) {
    return this.email.list(query);
  }

  @Post(':id/resend')
  @HttpCode(202)
  async resend(@Param('id', new ParseUUIDPipe()) id: string): Promise<void> {
    await this.email.resend(id);
  }

  @Get('summary')
  summary() {
    return this.email.summary();
  }
}
