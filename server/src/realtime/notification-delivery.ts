import { Logger } from '@nestjs/common';
import type { NotificationView } from '../../../contracts/api';
import { DEFAULT_PREFERENCES, shouldToast, type Preferences } from '../notifications/quiet-hours';
import { rooms } from './rooms';
import type { SocketOutlet } from './socket-outlet';

export interface CommittedNotification {
  view: NotificationView;
  ruleId: string | null;
}

interface DeliveryReads {
  preferencesOf(userIds: string[]): Promise<Map<string, Preferences>>;
  unreadCounts(userIds: string[]): Promise<Map<string, number>>;
}

/**
 * Pushes committed notifications to their users' sockets, in commit order, each with the one toast
 * decision there is: the console pops up exactly the notifications whose `toast` is true.
 *
 * A burst (one engine batch commits dozens of notifications at once) is delivered with one read
 * of the recipients' preferences and one read of their unread counts, instead of two reads per
 * notification one after the other: the last toast of a batch no longer waits for every earlier
 * one's queries. Drains never overlap, so a user's count pushes arrive in the order they were read.
 */
export class NotificationDeliveryQueue {
  private readonly logger = new Logger('NotificationDelivery');
  private pending: CommittedNotification[] = [];
  private draining = false;

  constructor(private readonly reads: DeliveryReads, private readonly outlet: SocketOutlet) {}

  enqueue(items: CommittedNotification[]): void {
    this.pending.push(...items);
    if (this.draining) return;
    this.draining = true;
    // Let the rest of the burst (the other after-commit callbacks of the same transaction) join first.
    setImmediate(() => void this.drain());
  }

  private async drain(): Promise<void> {
    while (this.pending.length) {
      const burst = this.pending;
      this.pending = [];
      try {
        await this.deliver(burst);
      } catch (error) {
        // The notifications are committed and listed by the REST API; only the live push is lost.
        this.logger.error(`pushing ${burst.length} notifications failed: ${(error as Error).message}`);
      }
    }
    this.draining = false;
  }

  private async deliver(burst: CommittedNotification[]): Promise<void> {
    const users = [...new Set(burst.map((n) => n.view.userId))];
    const prefs = await this.reads.preferencesOf(users);
    for (const { view, ruleId } of burst) {
      const toast = shouldToast(prefs.get(view.userId) ?? DEFAULT_PREFERENCES, view.priority, ruleId);
      this.outlet.emit([rooms.user(view.userId)], 'notification', { ...view, toast });
    }
    for (const [userId, count] of await this.reads.unreadCounts(users)) {
      this.outlet.emit([rooms.user(userId)], 'notifications:unread-count', { count });
    }
  }
}
