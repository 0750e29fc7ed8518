import { DateTimePipe } from '../core/date-time.pipe';
import { ChangeDetectionStrategy, Component, OnInit, inject, signal } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatPaginatorModule, type PageEvent } from '@angular/material/paginator';
import { MatSelectModule } from '@angular/material/select';
import { MatTableModule } from '@angular/material/table';
import { MatTooltipModule } from '@angular/material/tooltip';
import { EMAIL_DELIVERY_STATUSES, type EmailDeliveryStatus, type EmailDeliverySummary, type EmailDeliveryView } from '../../../../contracts/email';
import { MatDialog } from '@angular/material/dialog';
import { MatSnackBar } from '@angular/material/snack-bar';
import { of } from 'rxjs';
import { errorMessages } from '../core/api-errors';
import { confirmAction } from '../core/confirm-dialog';
import { EmailApi } from './email-api';

/** What each status means, for the legend and the tooltips. */
const STATUS_HELP: Record<EmailDeliveryStatus, string> = {
  PENDING: 'queued, or waiting for a retry',
  SENDING: 'being handed to the mail server',
  SENT: 'accepted by the mail server',
  FAILED: 'refused for good, or retried for the whole retry window',
  UNCERTAIN: 'the server stopped while sending: it may have arrived, and is not sent again',
  SKIPPED: 'not sent: the user had the console open (only when offline)',
};

/** ADMIN: every queued e-mail with its status, attempts and last error. */
@Component({
  selector: 'app-email-deliveries-page',
  imports: [DateTimePipe, MatButtonModule, MatFormFieldModule, MatIconModule, MatPaginatorModule, MatSelectModule, MatTableModule, MatTooltipModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './email-deliveries.page.html',
  styleUrl: './email-deliveries.page.scss',
})
export class EmailDeliveriesPage implements OnInit {
  private readonly api = inject(EmailApi);
  private readonly dialog = inject(MatDialog);
  private readonly snack = inject(MatSnackBar);

  protected readonly statuses = EMAIL_DELIVERY_STATUSES;
  protected readonly help = STATUS_HELP;
  protected readonly columns = ['createdAt', 'status', 'recipient', 'subject', 'attempts', 'lastError', 'sentAt', 'resend'];
  protected readonly items = signal<EmailDeliveryView[]>([]);
  protected readonly total = signal(0);
  protected readonly summary = signal<EmailDeliverySummary | null>(null);
  protected readonly status = signal<EmailDeliveryStatus | ''>('');
  protected readonly pageSize = signal(50);
  protected readonly pageIndex = signal(0);
  protected readonly loading = signal(false);
  protected readonly error = signal<string | null>(null);

  protected helpFor(status: string): string {
    return STATUS_HELP[status as EmailDeliveryStatus] ?? '';
  }

  ngOnInit(): void {
    this.load();
  }

  protected filter(status: EmailDeliveryStatus | ''): void {
    this.status.set(status);
    this.pageIndex.set(0);
    this.load();
  }

  protected page(event: PageEvent): void {
    this.pageIndex.set(event.pageIndex);
    this.pageSize.set(event.pageSize);
    this.load();
  }

  protected canResend(delivery: EmailDeliveryView): boolean {
    return delivery.status === 'FAILED' || delivery.status === 'UNCERTAIN' || delivery.status === 'SKIPPED';
  }

  /** Sends a mail again; an UNCERTAIN one only after the admin accepted that it may then arrive twice. */
  protected resend(delivery: EmailDeliveryView): void {
    const confirmed = delivery.status === 'UNCERTAIN'
      ? confirmAction(this.dialog, {
        title: 'Send this mail again?', confirmLabel: 'Send again',
        message: `The server stopped while handing this mail to the mail server: ${delivery.recipient} may already have it, and would then get it twice.`,
      })
      : of(true);
    confirmed.subscribe((ok) => {
      if (!ok) return;
      this.api.resend(delivery.id).subscribe({
        next: () => {
          this.snack.open(`Mail to ${delivery.recipient} queued again`, undefined, { duration: 3000 });
          this.load();
        },
        error: (err: unknown) => this.error.set(errorMessages(err).join(' ')),
      });
    });
  }

  protected load(): void {
    this.loading.set(true);
    this.error.set(null);
    this.api.summary().subscribe({ next: (s) => this.summary.set(s), error: () => undefined });
    this.api.deliveries({ status: this.status(), limit: this.pageSize(), offset: this.pageIndex() * this.pageSize() }).subscribe({
      next: (list) => {
        this.items.set(list.items);
        this.total.set(list.total);
        this.loading.set(false);
      },
      error: (err: unknown) => {
        this.loading.set(false);
        this.error.set(errorMessages(err).join(' '));
      },
    });
  }
}
