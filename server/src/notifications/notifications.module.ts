import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { NotificationRepository } from './notification.repository';
import { NotificationsController } from './notifications.controller';
import { NotificationsGateway } from './notifications.gateway';
import { NotificationsPusher } from './notifications.pusher';
import { NotificationsService } from './notifications.service';

@Module({
  imports: [AuthModule],
  controllers: [NotificationsController],
  providers: [NotificationsService, NotificationRepository, NotificationsPusher, NotificationsGateway],
  exports: [NotificationsService, NotificationsPusher, NotificationsGateway],
})
export class NotificationsModule {}
