import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Audited } from '../audit/audit-context.decorator';
import type { AuditContext } from '../audit/audit.service';
import type { AuthUser } from '../common/auth-user';
import { CurrentUser, Roles } from '../common/decorators';
import { CreateUserDto, UpdateUserDto, UserListQuery } from './dto/user.dto';
import { UserSettingsDto } from './dto/user-settings.dto';
import { UsersService } from './users.service';

@ApiTags('users')
@ApiBearerAuth()
@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  /** ADMIN: full users, filtered by q, role, isActive. Others: {id, name, role} of active users. */
  @Get()
  list(@CurrentUser() caller: AuthUser, @Query() query: UserListQuery) {
    return this.users.list(caller, query);
  }

  /** The caller's own console settings (theme, clock, time zone): any signed-in user. */
  @Get('me/settings')
  settings(@CurrentUser() caller: AuthUser) {
    return this.users.settings(caller.id);
  }

  @Put('me/settings')
  saveSettings(@CurrentUser() caller: AuthUser, @Body() dto: UserSettingsDto) {
    return this.users.saveSettings(caller.id, dto);
  }

  @Post()
  @Roles('ADMIN')
  create(@Body() dto: CreateUserDto, @Audited() context: AuditContext) {
    return this.users.create(dto, context);
  }

  @Patch(':id')
  @Roles('ADMIN')
  update(@Param('id', new ParseUUIDPipe()) id: string, @Body() dto: UpdateUserDto, @Audited() context: AuditContext) {
    return this.users.update(id, dto, context);
  }

  @Post(':id/reset-password')
  @Roles('ADMIN')
  @HttpCode(200)
  resetPassword(@Param('id', new ParseUUIDPipe()) id: string, @Audited() context: AuditContext) {
    return this.users.resetPassword(id, context);
  }
}
