import { ChangeDetectionStrategy, Component, inject, input } from '@angular/core';
import { DateTimePipe } from '../core/date-time.pipe';
import { RouterLink } from '@angular/router';
import { MatIconModule } from '@angular/material/icon';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { AuthSession } from '../auth/auth-session';
import { reloadingList } from '../core/reloading-list';
import { UsersDirectory } from '../core/users-directory';
import { CasesApi } from './cases-api';
import type { TimelineView } from '../../../../contracts/api';
import type { TimelineKind } from '../../../../contracts/enums';

const KIND_ICONS: Record<TimelineKind, string> = {
  CREATED: 'add_circle_outline',
  STATUS_CHANGE: 'swap_horiz',
  ASSIGNMENT: 'person_outline',
  TAG: 'sell',
  EVIDENCE: 'attach_file',
  COMMENT: 'chat_bubble_outline',
  WORKFLOW: 'smart_toy',
};

/** The case's history, oldest first; entries written by a rule say so and link to it. */
@Component({
  selector: 'app-case-timeline',
  imports: [DateTimePipe, RouterLink, MatIconModule, MatProgressBarModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <!-- Only the first load shows progress: re-reads after a change (several, see settleRefresh) stay quiet. -->
    @if (loading() && !entries().length) { <mat-progress-bar mode="indeterminate" aria-label="Loading timeline" /> }
    <ol class="timeline" aria-label="Case timeline" data-testid="case-timeline">
      @for (entry of entries(); track entry.id) {
        <li class="entry" [class.by-rule]="entry.ruleId" data-testid="timeline-entry" [attr.data-kind]="entry.kind">
          <mat-icon class="entry-icon" aria-hidden="true" [svgIcon]="icon(entry.kind)" />
          <div class="entry-body">
            <div class="entry-message">{{ entry.message }}</div>
            <div class="entry-meta muted">
              <time [attr.datetime]="entry.createdAt">{{ entry.createdAt | dateTime: 'medium' }}</time>
              @if (entry.actorId) { · {{ users.nameOf(entry.actorId) }} }
              @if (entry.ruleId) {
                ·
                @if (session.isAdmin()) {
                  <a class="rule-badge" [routerLink]="['/workflows/rules', entry.ruleId]" data-testid="timeline-rule-link">
                    <mat-icon aria-hidden="true" svgIcon="smart_toy" />by rule
                  </a>
                } @else {
                  <span class="rule-badge"><mat-icon aria-hidden="true" svgIcon="smart_toy" />by rule</span>
                }
              }
            </div>
          </div>
        </li>
      } @empty {
        @if (!loading()) { <li class="muted empty">Nothing has happened on this case yet.</li> }
      }
    </ol>
  `,
  styles: `
    .timeline { list-style: none; margin: 0; padding: 8px 0; }
    .entry { display: flex; gap: 12px; padding: 8px 4px; border-left: 2px solid var(--mat-sys-outline-variant); margin-left: 12px; padding-left: 12px; position: relative; }
    .entry-icon { position: absolute; left: -13px; background: var(--mat-sys-surface); color: var(--mat-sys-primary); font-size: 20px; width: 24px; height: 24px; text-align: center; }
    .entry.by-rule .entry-icon { color: var(--mat-sys-tertiary); }
    .entry-body { margin-left: 12px; }
    .entry-message { white-space: pre-wrap; }
    .entry-meta { font-size: 12px; margin-top: 2px; }
    .rule-badge { display: inline-flex; align-items: center; gap: 2px; font-weight: 600; color: var(--mat-sys-tertiary); text-decoration: none; }
    .rule-badge mat-icon { font-size: 14px; width: 14px; height: 14px; }
    a.rule-badge:hover { text-decoration: underline; }
    .empty { padding: 16px; }
  `,
})
export class CaseTimeline {
  private readonly api = inject(CasesApi);
  protected readonly users = inject(UsersDirectory);
  protected readonly session = inject(AuthSession);

  readonly caseId = input.required<string>();
  /** Bump to re-read the timeline (e.g. after the case changed). */
  readonly refreshKey = input(0);

  private readonly list = reloadingList(() => {
    this.refreshKey();
    return this.api.timeline(this.caseId());
  }, sortOldestFirst);
  protected readonly entries = this.list.items;
  protected readonly loading = this.list.loading;

  protected icon(kind: TimelineKind): string {
    return KIND_ICONS[kind] ?? 'circle';
  }
}

function sortOldestFirst(entries: TimelineView[]): TimelineView[] {
  return [...entries].sort((a, b) => a.createdAt.localeCompare(b.createdAt));
}
