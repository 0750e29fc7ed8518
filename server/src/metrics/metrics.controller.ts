import { Controller, Get, Inject, Req, Res, UnauthorizedException } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { createHash, timingSafeEqual } from 'node:crypto';
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

  /**
   * Open to scrapers when the server only listens on loopback. Otherwise a scraper presents METRICS_TOKEN
   * (a Prometheus `authorization` credential), or a person an ADMIN session.
   */
  @Public()
  @Get()
  async scrape(@Req() req: Request, @Res() res: Response): Promise<void> {
    if (!LOOPBACK.has(this.config.host) && !this.presentsMetricsToken(req)) {
      const session = await this.tokens.authenticate(bearerToken(req.headers.authorization));
      if (session?.user.role !== 'ADMIN') {
        throw new UnauthorizedException('metrics need METRICS_TOKEN or an ADMIN token when the server is not bound to loopback');
      }
    }
    res.setHeader('Content-Type', this.metrics.contentType);
    res.send(await this.metrics.render());
  }

  /** Constant-time: compares digests of equal length, so neither the content nor the length leaks through timing. */
  private presentsMetricsToken(req: Request): boolean {
    const expected = this.config.metricsToken;
    const given = bearerToken(req.headers.authorization);
    if (!expected || !given) return false;
    const digest = (s: string) => createHash('sha256').update(s).digest();
    return timingSafeEqual(digest(given), digest(expected));
  }
}
