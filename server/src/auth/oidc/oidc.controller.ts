import { Controller, Get, NotFoundException, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { AuthProviders, DemoAccountList } from '../../../../contracts/api';
import { Public } from '../../common/decorators';
import { DemoAccounts } from '../demo-accounts';
import { OidcService, PENDING_COOKIE, PENDING_TTL_SECONDS, SignInRefused } from './oidc.service';

const COOKIE_PATH = '/api/v1/auth/oidc';

function readCookie(req: Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}

/** Lax: the provider sends the browser back with a top-level GET from its own site. */
function pendingCookie(req: Request, value: string, maxAge: number): string {
  return `${PENDING_COOKIE}=${value}; Path=${COOKIE_PATH}; Max-Age=${maxAge}; HttpOnly; SameSite=Lax${req.secure ? '; Secure' : ''}`;
}

@ApiTags('auth')
@Controller('auth')
export class OidcController {
  constructor(private readonly oidc: OidcService, private readonly demoAccounts: DemoAccounts) {}

  @Public()
  @Get('providers')
  @ApiOperation({ summary: 'Which sign-in the console offers: passwords, single sign-on or both' })
  providers(): AuthProviders {
    return this.oidc.providers();
  }

  @Public()
  @Get('demo-accounts')
  @ApiOperation({ summary: 'The demo accounts the login page lists: empty unless this server loaded demo data (never in production or on a non-loopback HOST)' })
  async demo(): Promise<DemoAccountList> {
    return { items: await this.demoAccounts.list() };
  }

  @Public()
  @Get('oidc/login')
  @ApiOperation({ summary: 'Starts single sign-on: 302 to the identity provider (authorization code + PKCE)' })
  async login(@Req() req: Request, @Res() res: Response): Promise<void> {
    if (!this.oidc.enabled) throw new NotFoundException('single sign-on is not configured');
    res.setHeader('Cache-Control', 'no-store');
    try {
      const { authorizationUrl, pending } = await this.oidc.begin(`${req.protocol}://${req.get('host')}`);
      res.setHeader('Set-Cookie', pendingCookie(req, pending, PENDING_TTL_SECONDS));
      res.redirect(302, authorizationUrl);
    } catch (error) {
      if (!(error instanceof SignInRefused)) throw error;
      res.redirect(302, `/login?error=${encodeURIComponent(error.message)}`);
    }
  }

  /**
   * The provider's way back. The access token goes to the console in the URL fragment, which browsers never send to
   * a server (so it reaches no access log) and which the console removes from the address bar at once.
   */
  @Public()
  @Get('oidc/callback')
  @ApiOperation({ summary: 'Where the identity provider returns; 302 to the console, signed in or with an error' })
  async callback(@Req() req: Request, @Res() res: Response): Promise<void> {
    if (!this.oidc.enabled) throw new NotFoundException('single sign-on is not configured');
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Set-Cookie', pendingCookie(req, '', 0));
    const query = new URL(req.originalUrl, 'http://callback.invalid').searchParams;
    try {
      const { accessToken } = await this.oidc.finish(query, readCookie(req, PENDING_COOKIE), req.ip ?? null);
      res.redirect(302, `/login/callback#token=${encodeURIComponent(accessToken)}`);
    } catch (error) {
      if (!(error instanceof SignInRefused)) throw error;
      res.redirect(302, `/login?error=${encodeURIComponent(error.message)}`);
    }
  }
}
