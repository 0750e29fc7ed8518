import { Injectable, NotFoundException, OnModuleInit } from '@nestjs/common';
import type { DeadLetterView } from '../../../../contracts/workflows';
import { AuditService } from '../../audit/audit.service';
import type { AuthUser } from '../../common/auth-user';
import type { ListResult } from '../../common/list';
import { TransactionRunner, type UnitOfWork } from '../../database/unit-of-work';
import { EventsService } from '../../events/events.service';
import { OutboxDispatcher, type SetAside } from '../../events/outbox-dispatcher.service';
import { NotificationsService } from '../../notifications/notifications.service';
import { UsersService } from '../../users/users.service';

/**
 * Events the outbox set aside after their last failed attempt (CONTRACT §12): listed for admins, who
 * retry them once the cause is fixed or dismiss them. The admins hear about each one when it is first set
 * aside, in the transaction that sets it aside.
 */
@Injectable()
export class DeadLettersService implements OnModuleInit {
  constructor(
    private readonly events: EventsService,
    private readonly dispatcher: OutboxDispatcher,
    private readonly tx: TransactionRunner,
    private readonly notifications: NotificationsService,
    private readonly users: UsersService,
    private readonly audit: AuditService,
  ) {}

  onModuleInit(): void {
    this.dispatcher.onSetAside((uow, setAside) => this.notifyAdmins(uow, setAside));
  }

  list(page: { limit: number; offset: number }): Promise<ListResult<DeadLetterView>> {
    return this.events.deadLetters(page);
  }

  /**
   * Back to the outbox with a fresh set of attempts. Its rules run once: nothing of a failed attempt was
   * kept, and a rule with a history row for the event is not run again.
   */
  async retry(user: AuthUser, id: string): Promise<DeadLetterView> {
    return this.settle(user, id, 'DEAD_LETTER_RETRIED', (uow) => this.events.retryDeadLetter(uow, id));
  }

  async dismiss(user: AuthUser, id: string): Promise<DeadLetterView> {
    return this.settle(user, id, 'DEAD_LETTER_DISMISSED', (uow) => this.events.dismissDeadLetter(uow, id));
  }

  /** Retry or dismiss: changes an open dead letter (404 when there is none) and audits it, in one transaction. */
  private settle(
    user: AuthUser, id: string, action: 'DEAD_LETTER_RETRIED' | 'DEAD_LETTER_DISMISSED',
    change: (uow: UnitOfWork) => Promise<DeadLetterView | null>,
  ): Promise<DeadLetterView> {
    return this.tx.run(async (uow) => {
      const letter = await change(uow);
      if (!letter) throw new NotFoundException('no open dead letter with this id');
      await this.audit.recordBy(uow, user, {
        action, targetType: 'EVENT', targetId: id,
        detail: { eventName: letter.eventName, caseId: letter.caseId, caseNumber: letter.caseNumber, error: letter.error },
      });
      return letter;
    });
  }

  private async notifyAdmins(uow: UnitOfWork, { event, attempts, error, firstTime }: SetAside): Promise<void> {
    if (!firstTime) return;
    const caseNumber = (event.payload as { case?: { caseNumber?: string } }).case?.caseNumber ?? event.caseId;
    const admins = await this.users.activeAdminIds(uow);
    await this.notifications.createMany(admins.map((userId) => ({
      userId, priority: 'HIGH' as const, title: `Event set aside: ${event.name} on ${caseNumber}`,
      message: `It failed ${attempts} times and its rules did not run; last error: ${error.slice(0, 300)}. Retry or dismiss it under Dead letters.`,
      entityType: 'event', entityId: event.id, linkUrl: '/dead-letters',
    })), uow);
  }
}
