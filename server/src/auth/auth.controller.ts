import { Body, Controller, Get, HttpCode, Ip, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Audited } from '../audit/audit-context.decorator';
import type { AuditContext } from '../audit/audit.service';
import type { AuthUser } from '../common/auth-user';
import { CurrentUser, Public } from '../common/decorators';
import { UsersService } from '../users/users.service';
import { OpenWhilePasswordChangeRequired, type AuthenticatedRequest } from './auth.guard';
import { AuthService } from './auth.service';
import { ChangePasswordDto } from './dto/change-password.dto';
import { LoginDto } from './dto/login.dto';
import { TooManyLoginsException } from './login-throttle';
import type { Session } from './token.service';

const sessionOf = (req: AuthenticatedRequest): Session => req.session!;

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthService, private readonly users: UsersService) {}

  @Public()
  @Post('login')
  @HttpCode(200)
  async login(@Body() dto: LoginDto, @Ip() ip: string, @Res({ passthrough: true }) res: Response) {
    try {
      return await this.auth.login(dto.email, dto.password, ip);
    } catch (error) {
      if (error instanceof TooManyLoginsException) res.setHeader('Retry-After', String(error.retryAfterSeconds));
      throw error;
    }
  }

  @ApiBearerAuth()
  @OpenWhilePasswordChangeRequired()
  @Get('me')
  me(@CurrentUser() user: AuthUser) {
    return this.users.get(user.id);
  }

  @ApiBearerAuth()
  @OpenWhilePasswordChangeRequired()
  @Post('change-password')
  @HttpCode(204)
  async changePassword(@Req() req: AuthenticatedRequest, @Body() dto: ChangePasswordDto, @Audited() context: AuditContext): Promise<void> {
    await this.auth.changePassword(sessionOf(req), dto.currentPassword, dto.newPassword, context);
  }

  @ApiBearerAuth()
  @OpenWhilePasswordChangeRequired()
  @Post('logout')
  @HttpCode(204)
  async logout(@Req() req: AuthenticatedRequest, @Audited() context: AuditContext): Promise<void> {
    await this.auth.logout(sessionOf(req), context);
  }

  @ApiBearerAuth()
  @Post('logout-all')
  @HttpCode(204)
  async logoutAll(@Req() req: AuthenticatedRequest, @Audited() context: AuditContext): Promise<void> {
    await this.auth.logoutAll(sessionOf(req), context);
  }
}
