import { Module } from '@nestjs/common';
import { RealtimeModule } from '../realtime/realtime.module';
import { UsersModule } from '../users/users.module';
import { EmailController } from './email.controller';
import { EmailDeliveryWorker } from './email-delivery.worker';
import { EmailDigestJob } from './email-digest.job';
import { EmailRepository } from './email.repository';
import { EmailService } from './email.service';

@Module({
  imports: [UsersModule, RealtimeModule],
  controllers: [EmailController],
  providers: [EmailService, EmailRepository, EmailDeliveryWorker, EmailDigestJob],
  exports: [EmailService, EmailDeliveryWorker],
})
export class EmailModule {}
