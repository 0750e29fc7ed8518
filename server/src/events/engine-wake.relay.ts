import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { OUTBOX_COMMITTED } from './event-bus.service';
import { OutboxDispatcher } from './outbox-dispatcher.service';

/** The IPC message a request process sends its supervisor, and the supervisor the engine process, after outbox commits. */
export const OUTBOX_COMMITTED_MESSAGE = 'acos:outbox-committed';

/**
 * With ENGINE_PROCESS=separate the events are committed in the request processes but processed in the engine process,
 * whose dispatcher would otherwise only find them at its next poll. A request process tells its supervisor after
 * commits (once per event-loop turn, however many committed in it), the supervisor tells the engine process, and that
 * wakes its dispatcher. A lost message costs at most one poll interval: the events are in the table either way.
 */
@Injectable()
export class EngineWakeRelay implements OnApplicationBootstrap, OnApplicationShutdown {
  private sendScheduled = false;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig, private readonly dispatcher: OutboxDispatcher) {}

  @OnEvent(OUTBOX_COMMITTED)
  committed(): void {
    if (this.config.clusterRole !== 'web' || this.config.outboxDispatcher || !process.send || this.sendScheduled) return;
    this.sendScheduled = true;
    setImmediate(() => {
      this.sendScheduled = false;
      if (process.connected) process.send?.({ type: OUTBOX_COMMITTED_MESSAGE });
    });
  }

  onApplicationBootstrap(): void {
    if (this.config.clusterRole === 'engine') process.on('message', this.received);
  }

  onApplicationShutdown(): void {
    process.off('message', this.received);
  }

  private readonly received = (message: unknown): void => {
    if ((message as { type?: string })?.type === OUTBOX_COMMITTED_MESSAGE) this.dispatcher.wake();
  };
}
