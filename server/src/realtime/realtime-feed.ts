import { Injectable } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { toCaseView } from '../cases/case-view';
import type { DomainEvent } from '../events/event-map';
import { OnDomainEvent } from '../events/on-domain-event.decorator';
import { USER_ACCESS_CHANGED, USER_SESSIONS_ENDED, type UserSessionsEnded } from '../users/users.service';
import { BACKTEST_PROGRESS, type BacktestProgressEvent } from '../workflows/engine/backtest-progress';
import { WORKFLOW_RUN_RECORDED, type WorkflowRunRecorded } from './committed-events';
import { rooms } from './rooms';
import { SocketOutlet } from './socket-outlet';

/**
 * Turns committed in-process events into socket events: the only source of `case:updated` and
 * `workflow:history`, and of closing a user's sockets when their access changes.
 */
@Injectable()
export class RealtimeFeed {
  constructor(private readonly outlet: SocketOutlet) {}

  @OnEvent(USER_ACCESS_CHANGED, { suppressErrors: true })
  onAccessChanged({ userId }: { userId: string }): void {
    // Deactivated, or role/scopes changed: its sockets go now; a still-active user reconnects with fresh rooms.
    this.outlet.disconnectUser(userId);
  }

  @OnEvent(USER_SESSIONS_ENDED, { suppressErrors: true })
  onSessionsEnded({ userId, tokenId, keptTokenId }: UserSessionsEnded): void {
    // Signed out, logged out everywhere, password changed or reset: the ended tokens' sockets go now.
    if (tokenId) this.outlet.disconnectToken(tokenId);
    else this.outlet.disconnectUser(userId, keptTokenId);
  }

  @OnDomainEvent('case.created', 'case.updated', 'evidence.uploaded')
  onCaseChanged(event: DomainEvent): void {
    this.outlet.caseUpdated(toCaseView(event.payload.case));
  }

  @OnEvent(WORKFLOW_RUN_RECORDED, { suppressErrors: true })
  onRunRecorded({ history, timelineWrittenOn }: WorkflowRunRecorded): void {
    this.outlet.emit([rooms.admins], 'workflow:history', history);
    // A timeline entry changes no case field, so no case event announces it: tell open case pages.
    if (timelineWrittenOn) this.outlet.caseUpdated(toCaseView(timelineWrittenOn));
  }

  /** A backtest's progress, to the sockets of the user who asked for it (on every process, through the adapter). */
  @OnEvent(BACKTEST_PROGRESS, { suppressErrors: true })
  onBacktestProgress({ userId, progress }: BacktestProgressEvent): void {
    this.outlet.emit([rooms.user(userId)], 'workflow:backtest-progress', progress);
  }
}
