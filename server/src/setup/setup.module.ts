import { Module } from '@nestjs/common';
import { UsersModule } from '../users/users.module';
import { SetupController } from './setup.controller';
import { SetupTokenRepository } from './setup-token.repository';
import { SetupService } from './setup.service';

@Module({
  imports: [UsersModule],
  controllers: [SetupController],
  providers: [SetupService, SetupTokenRepository],
  exports: [SetupService],
})
export class SetupModule {}
