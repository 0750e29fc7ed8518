import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { createSecretKey } from 'node:crypto';
import { AuditModule } from '../audit/audit.module';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { UsersModule } from '../users/users.module';
import { AuthController } from './auth.controller';
import { AuthGuard } from './auth.guard';
import { AuthService } from './auth.service';
import { DemoAccounts } from './demo-accounts';
import { LoginFailureRepository } from './login-failure.repository';
import { LoginThrottle } from './login-throttle';
import { OidcIdentityRepository } from './oidc/oidc-identity.repository';
import { OidcController } from './oidc/oidc.controller';
import { OidcService } from './oidc/oidc.service';
import { TokenService } from './token.service';

@Module({
  imports: [
    // The key as a KeyObject: given a string, jsonwebtoken first tries (and fails) to parse it as a PEM public key on
    // every verify, which cost ~0.5 ms of CPU per request and socket handshake.
    JwtModule.registerAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({ secret: createSecretKey(Buffer.from(config.jwtSecret, 'utf8')) }),
    }),
    UsersModule,
    AuditModule,
  ],
  controllers: [AuthController, OidcController],
  providers: [
    AuthService, TokenService, DemoAccounts, LoginThrottle, LoginFailureRepository, OidcService, OidcIdentityRepository,
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
  exports: [TokenService],
})
export class AuthModule {}
