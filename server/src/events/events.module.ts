import { Global, Module } from '@nestjs/common';
import { EventBus } from './event-bus.service';
import { OutboxDispatcher } from './outbox-dispatcher.service';

@Global()
@Module({
  providers: [EventBus, OutboxDispatcher],
  exports: [EventBus, OutboxDispatcher],
})
export class EventsModule {}
