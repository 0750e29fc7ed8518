import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../common/auth-user';
import { CurrentUser, Roles } from '../common/decorators';
import { PageQuery } from '../common/list';
import { CreateWebhookDto, UpdateWebhookDto } from './dto/webhook.dto';
import { WebhooksService } from './webhooks.service';

@ApiTags('webhooks')
@ApiBearerAuth()
@Roles('ADMIN')
@Controller()
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Get('webhooks')
  list(@Query() page: PageQuery) {
    return this.webhooks.list(page);
  }

  @Post('webhooks')
  create(@CurrentUser() user: AuthUser, @Body() dto: CreateWebhookDto) {
    return this.webhooks.create(user, dto);
  }

  @Get('webhooks/:id')
  get(@Param('id', new ParseUUIDPipe()) id: string) {
    return this.webhooks.get(id);
  }

  @Patch('webhooks/:id')
  update(@CurrentUser() user: AuthUser, @Param('id', new ParseUUIDPipe()) id: string, @Body() dto: UpdateWebhookDto) {
    return this.webhooks.update(user, id, dto);
  }

  @Delete('webhooks/:id')
  @HttpCode(204)
  async remove(@CurrentUser() user: AuthUser, @Param('id', new ParseUUIDPipe()) id: string): Promise<void> {
    await this.webhooks.remove(user, id);
  }

  @Post('webhooks/:id/rotate-secret')
  @HttpCode(200)
  rotate(@CurrentUser() user: AuthUser, @Param('id', new ParseUUIDPipe()) id: string) {
    return this.webhooks.rotateSecret(user, id);
  }

  @Get('webhooks/:id/deliveries')
  deliveries(@Param('id', new ParseUUIDPipe()) id: string, @Query() page: PageQuery) {
    return this.webhooks.deliveries(id, page);
  }

  @Post('webhook-deliveries/:id/redeliver')
  @HttpCode(202)
  async redeliver(@Param('id', new ParseUUIDPipe()) id: string): Promise<void> {
    await this.webhooks.redeliver(id);
  }
}
