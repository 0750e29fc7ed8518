import { Module } from '@nestjs/common';
import { Lifecycle } from '../common/lifecycle';
import { HealthController } from './health.controller';

@Module({
  controllers: [HealthController],
  providers: [Lifecycle],
  exports: [Lifecycle],
})
export class HealthModule {}
