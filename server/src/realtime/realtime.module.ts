import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { RealtimeFeed } from './realtime-feed';
import { RealtimeGateway } from './realtime.gateway';
import { SocketOutlet } from './socket-outlet';

/** Socket.IO: admission and rooms (gateway), committed events in (feed), contract events out (outlet). */
@Module({
  imports: [AuthModule],
  providers: [SocketOutlet, RealtimeGateway, RealtimeFeed],
  exports: [SocketOutlet],
})
export class RealtimeModule {}
