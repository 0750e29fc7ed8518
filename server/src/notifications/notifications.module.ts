import { Global, Module } from '@nestjs/common';
import { NotificationsController } from './notifications.controller';
import { NotificationsGateway } from './notifications.gateway';
import { NotificationsPusher } from './notifications.pusher';
import { NotificationsService } from './notifications.service';

@Global()
@Module({
  controllers: [NotificationsController],
  providers: [NotificationsService, NotificationsPusher, NotificationsGateway],
  exports: [NotificationsService, NotificationsPusher, NotificationsGateway],
})
export class NotificationsModule {}
