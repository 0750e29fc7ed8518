import { Global, Module } from '@nestjs/common';
import { RealtimeFeed } from './realtime-feed';
import { RealtimeGateway } from './realtime.gateway';
import { SocketOutlet } from './socket-outlet';

/** Socket.IO: admission and rooms (gateway), committed events in (feed), contract events out (outlet). */
@Global()
@Module({
  providers: [SocketOutlet, RealtimeGateway, RealtimeFeed],
  exports: [SocketOutlet],
})
export class RealtimeModule {}
