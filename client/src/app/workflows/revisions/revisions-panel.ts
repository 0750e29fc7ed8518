import { ChangeDetectionStrategy, Component, computed, inject, input, linkedSignal, output, signal } from '@angular/core';
import { DateTimePipe } from '../../core/date-time.pipe';
import { FormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatDialog } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSelectModule } from '@angular/material/select';
import { MatSlideToggleModule } from '@angular/material/slide-toggle';
import { MatSnackBar } from '@angular/material/snack-bar';
import { errorText } from '../../core/api-errors';
import { reloadingList } from '../../core/reloading-list';
import { confirmAction } from '../../core/confirm-dialog';
import { UsersDirectory } from '../../core/users-directory';
import { WorkflowsApi } from '../workflows-api';
import { RuleRevision, WorkflowRule } from '../workflow.models';
import { countChanges, diffLines, snapshotLines } from './line-diff';

/** Revisions of a rule: compare any two side by side, restore one. */
@Component({
  selector: 'app-revisions-panel',
  imports: [
    DateTimePipe,
    FormsModule,
    MatButtonModule,
    MatFormFieldModule,
    MatIconModule,
    MatProgressBarModule,
    MatSelectModule,
    MatSlideToggleModule,
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './revisions-panel.html',
  styleUrl: './revisions-panel.scss',
})
export class RevisionsPanel {
  private readonly api = inject(WorkflowsApi);
  private readonly dialog = inject(MatDialog);
  private readonly snackBar = inject(MatSnackBar);
  protected readonly users = inject(UsersDirectory);

  readonly ruleId = input.required<string>();
  /** Bump to re-read (e.g. after the rule was saved). */
  readonly refreshKey = input(0);
  readonly restored = output<WorkflowRule>();

  private readonly list = reloadingList(() => {
    this.refreshKey();
    return this.api.revisions(this.ruleId());
  }, (revisions) => [...revisions].sort((a, b) => b.revision - a.revision));
  protected readonly revisions = this.list.items;
  protected readonly loading = this.list.loading;
  protected readonly restoring = signal(false);
  /** After each load: the newest against the one before it; the admin may pick others. */
  protected readonly rightRevision = linkedSignal<number | null>(() => this.revisions()[0]?.revision ?? null);
  protected readonly leftRevision = linkedSignal<number | null>(() => (this.revisions()[1] ?? this.revisions()[0])?.revision ?? null);
  protected readonly onlyChanges = signal(false);

  private readonly byNumber = computed(() => new Map(this.revisions().map((r) => [r.revision, r])));

  protected readonly diff = computed(() => {
    const left = this.byNumber().get(this.leftRevision() ?? -1);
    const right = this.byNumber().get(this.rightRevision() ?? -1);
    if (!left || !right) return null;
    const rows = diffLines(snapshotLines(left.snapshot), snapshotLines(right.snapshot));
    return { rows, changes: countChanges(rows) };
  });

  protected readonly visibleRows = computed(() => {
    const diff = this.diff();
    if (!diff) return [];
    return this.onlyChanges() ? diff.rows.filter((row) => row.kind !== 'same') : diff.rows;
  });

  protected restore(revision: RuleRevision): void {
    confirmAction(this.dialog, {
      title: `Restore revision ${revision.revision}?`,
      message: 'The rule (and its actions) go back to how they were in this revision. A new revision records the restore.',
      confirmLabel: 'Restore',
    }).subscribe((confirmed) => {
      if (!confirmed) return;
      this.restoring.set(true);
      this.api.restoreRevision(this.ruleId(), revision.revision).subscribe({
        next: (rule) => {
          this.restoring.set(false);
          this.snackBar.open(`Revision ${revision.revision} restored`, undefined, { duration: 3000 });
          this.restored.emit(rule);
        },
        error: (err: unknown) => {
          this.restoring.set(false);
          this.snackBar.open(`Restore failed: ${errorText(err)}`, 'Dismiss');
        },
      });
    });
  }

  protected label(revision: RuleRevision): string {
    return `#${revision.revision}`;
  }
}
