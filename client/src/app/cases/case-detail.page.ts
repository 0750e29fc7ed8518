import { ChangeDetectionStrategy, Component, DestroyRef, OnInit, effect, inject, input, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { Subject } from 'rxjs';
import { DateTimePipe } from '../core/date-time.pipe';
import { Title } from '@angular/platform-browser';
import { RouterLink } from '@angular/router';
import { MatButtonModule } from '@angular/material/button';
import { MatCardModule } from '@angular/material/card';
import { MatIconModule } from '@angular/material/icon';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatTabsModule } from '@angular/material/tabs';
import { MatChipsModule } from '@angular/material/chips';
import { AuthSession } from '../auth/auth-session';
import { httpStatus } from '../core/api-errors';
import { EnumLabelPipe } from '../core/enum-label.pipe';
import { LiveSocket } from '../core/live-socket';
import { settleRefresh } from '../core/settle-refresh';
import { UsersDirectory } from '../core/users-directory';
import { CaseAutomationEvents } from '../workflows/case-automation-events';
import { CaseEditForm } from './case-edit-form';
import { CaseEvidence } from './case-evidence';
import { CaseTimeline } from './case-timeline';
import { CasesApi } from './cases-api';
import type { CaseView } from '../../../../contracts/api';

@Component({
  selector: 'app-case-detail-page',
  imports: [
    DateTimePipe,
    RouterLink,
    MatButtonModule,
    MatCardModule,
    MatChipsModule,
    MatIconModule,
    MatProgressBarModule,
    MatTabsModule,
    EnumLabelPipe,
    CaseAutomationEvents,
    CaseEditForm,
    CaseEvidence,
    CaseTimeline,
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './case-detail.page.html',
  styleUrl: './case-detail.page.scss',
})
export class CaseDetailPage implements OnInit {
  private readonly api = inject(CasesApi);
  private readonly socket = inject(LiveSocket);
  private readonly title = inject(Title);
  private readonly destroyRef = inject(DestroyRef);
  protected readonly session = inject(AuthSession);
  protected readonly users = inject(UsersDirectory);

  /** Route parameter :id. */
  readonly id = input.required<string>();

  protected readonly caseItem = signal<CaseView | null>(null);
  protected readonly loading = signal(true);
  protected readonly notFound = signal(false);
  protected readonly timelineVersion = signal(0);
  /** A change of this case: re-read its timeline now and once rules have had time to add to it. */
  private readonly changed = new Subject<void>();

  constructor() {
    effect((onCleanup) => {
      const id = this.id();
      this.loading.set(true);
      this.notFound.set(false);
      const sub = this.api.get(id).subscribe({
        next: (found) => {
          this.show(found);
          this.loading.set(false);
        },
        error: (err: unknown) => {
          this.loading.set(false);
          this.notFound.set(httpStatus(err) === 404 || httpStatus(err) === 403);
        },
      });
      onCleanup(() => sub.unsubscribe());
    });
  }

  ngOnInit(): void {
    this.users.ensureLoaded();
    settleRefresh(this.changed)
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe(() => this.timelineVersion.update((v) => v + 1));
    this.socket
      .on('case:updated')
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe((updated) => {
        if (updated.id === this.id()) {
          this.show(updated);
          this.changed.next();
        }
      });
  }

  protected onSaved(updated: CaseView): void {
    this.show(updated);
    this.changed.next();
  }

  protected onEvidenceUploaded(): void {
    this.changed.next();
  }

  private show(found: CaseView): void {
    this.caseItem.set(found);
    this.title.setTitle(`${found.caseNumber} · ${found.title} · AuditCaseOS Workflows`);
  }
}
