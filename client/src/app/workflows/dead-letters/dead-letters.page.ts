import { ChangeDetectionStrategy, Component, DestroyRef, OnInit, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { JsonPipe } from '@angular/common';
import { DateTimePipe } from '../../core/date-time.pipe';
import { RouterLink } from '@angular/router';
import { MatButtonModule } from '@angular/material/button';
import { MatDialog } from '@angular/material/dialog';
import { MatIconModule } from '@angular/material/icon';
import { MatPaginatorModule, type PageEvent } from '@angular/material/paginator';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSnackBar } from '@angular/material/snack-bar';
import { MatTooltipModule } from '@angular/material/tooltip';
import type { DeadLetterView } from '../../../../../contracts/workflows';
import { errorText } from '../../core/api-errors';
import { confirmAction } from '../../core/confirm-dialog';
import { LiveSocket } from '../../core/live-socket';
import { WorkflowsApi } from '../workflows-api';

/**
 * Events the engine set aside after their last failed attempt: their rules did not run. An admin fixes the
 * cause, then retries (the rules run once) or dismisses the event for good.
 */
@Component({
  selector: 'app-dead-letters-page',
  imports: [DateTimePipe, JsonPipe, RouterLink, MatButtonModule, MatIconModule, MatPaginatorModule, MatProgressBarModule, MatTooltipModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './dead-letters.page.html',
  styleUrl: './dead-letters.page.scss',
})
export class DeadLettersPage implements OnInit {
  private readonly api = inject(WorkflowsApi);
  private readonly snackBar = inject(MatSnackBar);
  private readonly dialog = inject(MatDialog);
  private readonly socket = inject(LiveSocket);
  private readonly destroyRef = inject(DestroyRef);

  protected readonly items = signal<DeadLetterView[]>([]);
  protected readonly total = signal(0);
  protected readonly page = signal({ limit: 25, offset: 0 });
  protected readonly loading = signal(false);
  protected readonly loadError = signal<string | null>(null);
  /** Ids whose payload is unfolded. */
  protected readonly open = signal<ReadonlySet<string>>(new Set());
  /** The id a retry or dismiss is under way for. */
  protected readonly busy = signal<string | null>(null);

  ngOnInit(): void {
    this.load();
    // Every admin is told when an event is set aside: a new one appears here without a reload.
    this.socket
      .on('notification')
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe((n) => {
        if (n.entityType === 'event') this.load();
      });
  }

  protected load(): void {
    this.loading.set(true);
    this.loadError.set(null);
    this.api.deadLetters(this.page()).subscribe({
      next: (res) => {
        this.items.set(res.items);
        this.total.set(res.total);
        this.loading.set(false);
        // A page emptied by the last retry or dismiss: show the one before.
        if (!res.items.length && this.page().offset > 0) {
          this.page.update((p) => ({ ...p, offset: Math.max(0, p.offset - p.limit) }));
          this.load();
        }
      },
      error: (err: unknown) => {
        this.loading.set(false);
        this.loadError.set(errorText(err));
      },
    });
  }

  protected onPage(event: PageEvent): void {
    this.page.set({ limit: event.pageSize, offset: event.pageIndex * event.pageSize });
    this.load();
  }

  protected togglePayload(id: string): void {
    this.open.update((set) => {
      const next = new Set(set);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  }

  protected retry(letter: DeadLetterView): void {
    this.busy.set(letter.id);
    this.api.retryDeadLetter(letter.id).subscribe({
      next: () => {
        this.busy.set(null);
        this.snackBar.open(`${letter.eventName} on ${letter.caseNumber ?? 'its case'} sent back for processing`, undefined, { duration: 3000 });
        this.load();
      },
      error: (err: unknown) => {
        this.busy.set(null);
        this.snackBar.open(`Retry failed: ${errorText(err)}`, 'Dismiss');
        this.load();
      },
    });
  }

  protected dismiss(letter: DeadLetterView): void {
    confirmAction(this.dialog, {
      title: 'Dismiss this dead letter?',
      message: `The ${letter.eventName} event of ${letter.caseNumber ?? 'its case'} will not be processed: its rules never run for it.`,
      confirmLabel: 'Dismiss',
      destructive: true,
    }).subscribe((confirmed) => {
      if (!confirmed) return;
      this.busy.set(letter.id);
      this.api.dismissDeadLetter(letter.id).subscribe({
        next: () => {
          this.busy.set(null);
          this.snackBar.open('Dead letter dismissed', undefined, { duration: 3000 });
          this.load();
        },
        error: (err: unknown) => {
          this.busy.set(null);
          this.snackBar.open(`Dismiss failed: ${errorText(err)}`, 'Dismiss');
          this.load();
        },
      });
    });
  }
}
