import { DynamicModule, Module } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from './app-config';

/**
 * The validated AppConfig, provided once by the root module. Registered as a global dynamic module (as
 * TypeORM's own root module is): every feature reads it, and a feature module cannot build it itself.
 */
@Module({})
export class ConfigModule {
  static forRoot(config: AppConfig): DynamicModule {
    return { module: ConfigModule, global: true, providers: [{ provide: APP_CONFIG, useValue: config }], exports: [APP_CONFIG] };
  }
}
