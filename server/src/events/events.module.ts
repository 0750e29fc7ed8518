import { Module } from '@nestjs/common';
import { EngineWakeRelay } from './engine-wake.relay';
import { EventBus } from './event-bus.service';
import { EventsService } from './events.service';
import { OutboxDispatcher } from './outbox-dispatcher.service';
import { OutboxRepository } from './outbox.repository';

@Module({
  providers: [EventBus, OutboxDispatcher, OutboxRepository, EventsService, EngineWakeRelay],
  exports: [EventBus, OutboxDispatcher, EventsService],
})
export class EventsModule {}
