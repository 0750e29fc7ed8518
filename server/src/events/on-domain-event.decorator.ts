import { OnEvent } from '@nestjs/event-emitter';
import type { EventName } from './event-map';

/**
 * Subscribes a method to a committed domain event, published in-process.
 * For live, best-effort reactions (socket pushes); durable work registers
 * with the OutboxDispatcher instead.
 */
export function OnDomainEvent(...names: EventName[]): MethodDecorator {
  // Listener errors must never reach the code that committed the change.
  const decorators = names.map((name) => OnEvent(name, { suppressErrors: true }));
  return (target, key, descriptor) => {
    for (const decorate of decorators) decorate(target, key, descriptor);
    return descriptor;
  };
}
