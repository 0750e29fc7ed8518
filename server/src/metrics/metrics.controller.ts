import { Controller, Get, Header, Inject, Req, UnauthorizedException } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request } from 'express';
import { bearerToken } from '../auth/auth.guard';
import { TokenService } from '../auth/token.service';
import { Public } from '../common/decorators';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { MetricsService } from './metrics.service';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

@ApiExcludeController()
@Controller('metrics')
export class MetricsController {
  constructor(
    private readonly metrics: MetricsService,
    private readonly tokens: TokenService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Open to scrapers when the server only listens on loopback; otherwise an ADMIN token is needed. */
  @Public()
  @Get()
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  async scrape(@Req() req: Request): Promise<string> {
    if (!LOOPBACK.has(this.config.host)) {
      const session = await this.tokens.authenticate(bearerToken(req.headers.authorization));
      if (session?.user.role !== 'ADMIN') throw new UnauthorizedException('metrics need an ADMIN token when the server is not bound to loopback');
    }
    return this.metrics.render();
  }
}
