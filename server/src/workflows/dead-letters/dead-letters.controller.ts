import { Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../../common/auth-user';
import { CurrentUser, Roles } from '../../common/decorators';
import { PageQuery } from '../../common/list';
import { DeadLettersService } from './dead-letters.service';

const uuid = new ParseUUIDPipe();

@ApiTags('workflows')
@ApiBearerAuth()
@Roles('ADMIN')
@Controller('workflows/dead-letters')
export class DeadLettersController {
  constructor(private readonly deadLetters: DeadLettersService) {}

  @Get()
  list(@Query() page: PageQuery) {
    return this.deadLetters.list(page);
  }

  @Post(':id/retry')
  @HttpCode(200)
  retry(@CurrentUser() user: AuthUser, @Param('id', uuid) id: string) {
    return this.deadLetters.retry(user, id);
  }

  @Post(':id/dismiss')
  @HttpCode(200)
  dismiss(@CurrentUser() user: AuthUser, @Param('id', uuid) id: string) {
    return this.deadLetters.dismiss(user, id);
  }
}
