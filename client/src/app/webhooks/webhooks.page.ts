import { ChangeDetectionStrategy, Component, OnInit, inject, signal } from '@angular/core';
import { DateTimePipe } from '../core/date-time.pipe';
import { ClipboardModule } from '@angular/cdk/clipboard';
import { FormControl, FormGroup, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatCardModule } from '@angular/material/card';
import { MatDialog } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatInputModule } from '@angular/material/input';
import { MatSlideToggleModule } from '@angular/material/slide-toggle';
import { MatSnackBar } from '@angular/material/snack-bar';
import { MatTableModule } from '@angular/material/table';
import { MatTooltipModule } from '@angular/material/tooltip';
import type { WebhookDeliveryView, WebhookView } from '../../../../contracts/webhooks';
import { errorText } from '../core/api-errors';
import { confirmAction } from '../core/confirm-dialog';
import { WebhooksApi } from './webhooks-api';

/** A secret the server has just shown: the only time anyone sees it. */
interface ShownSecret { webhookName: string; secret: string }

@Component({
  selector: 'app-webhooks-page',
  imports: [
    DateTimePipe, ClipboardModule, ReactiveFormsModule, MatButtonModule, MatCardModule, MatFormFieldModule, MatIconModule, MatInputModule,
    MatSlideToggleModule, MatTableModule, MatTooltipModule,
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './webhooks.page.html',
  styleUrl: './webhooks.page.scss',
})
export class WebhooksPage implements OnInit {
  private readonly api = inject(WebhooksApi);
  private readonly dialog = inject(MatDialog);
  private readonly snack = inject(MatSnackBar);

  protected readonly webhooks = signal<WebhookView[]>([]);
  protected readonly error = signal<string | null>(null);
  protected readonly shownSecret = signal<ShownSecret | null>(null);
  /** The webhook being edited; null: the form creates a new one. */
  protected readonly editing = signal<WebhookView | null>(null);
  protected readonly selected = signal<WebhookView | null>(null);
  protected readonly deliveries = signal<WebhookDeliveryView[]>([]);
  protected readonly deliveriesTotal = signal(0);
  protected readonly columns = ['name', 'url', 'enabled', 'actions'];
  protected readonly deliveryColumns = ['createdAt', 'status', 'attempts', 'responseStatus', 'lastError', 'redeliver'];

  protected readonly form = new FormGroup({
    name: new FormControl('', { nonNullable: true, validators: [Validators.required, Validators.maxLength(100)] }),
    url: new FormControl('', { nonNullable: true, validators: [Validators.required, Validators.pattern(/^https?:\/\/\S+$/i)] }),
  });

  ngOnInit(): void {
    this.reload();
  }

  protected reload(): void {
    this.api.list().subscribe({ next: (res) => this.webhooks.set(res.items), error: (e) => this.error.set(errorText(e)) });
  }

  protected save(): void {
    if (this.form.invalid) return;
    const { name, url } = this.form.getRawValue();
    const editing = this.editing();
    this.error.set(null);
    if (editing) {
      this.api.update(editing.id, { name, url }).subscribe({
        next: () => { this.cancelEdit(); this.reload(); },
        error: (e) => this.error.set(errorText(e)),
      });
    } else {
      this.api.create({ name, url }).subscribe({
        next: (created) => {
          this.shownSecret.set({ webhookName: created.name, secret: created.secret });
          this.form.reset();
          this.reload();
        },
        error: (e) => this.error.set(errorText(e)),
      });
    }
  }

  protected edit(webhook: WebhookView): void {
    this.editing.set(webhook);
    this.form.setValue({ name: webhook.name, url: webhook.url });
  }

  protected cancelEdit(): void {
    this.editing.set(null);
    this.form.reset();
  }

  protected toggle(webhook: WebhookView): void {
    this.api.update(webhook.id, { isEnabled: !webhook.isEnabled }).subscribe({ next: () => this.reload(), error: (e) => this.error.set(errorText(e)) });
  }

  protected rotate(webhook: WebhookView): void {
    confirmAction(this.dialog, {
      title: 'Rotate the signing secret?', confirmLabel: 'Rotate',
      message: `Deliveries of ${webhook.name} are signed with the new secret from now on; the receiver must be given it.`,
    }).subscribe((ok) => {
      if (!ok) return;
      this.api.rotateSecret(webhook.id).subscribe({
        next: ({ secret }) => this.shownSecret.set({ webhookName: webhook.name, secret }),
        error: (e) => this.error.set(errorText(e)),
      });
    });
  }

  protected remove(webhook: WebhookView): void {
    confirmAction(this.dialog, {
      title: 'Delete this webhook?', confirmLabel: 'Delete', destructive: true,
      message: `${webhook.name} and its delivery log are deleted; rules that call it will record a failed action.`,
    }).subscribe((ok) => {
      if (!ok) return;
      this.api.remove(webhook.id).subscribe({
        next: () => {
          if (this.selected()?.id === webhook.id) this.selected.set(null);
          this.reload();
        },
        error: (e) => this.error.set(errorText(e)),
      });
    });
  }

  protected showDeliveries(webhook: WebhookView): void {
    this.selected.set(webhook);
    this.loadDeliveries();
  }

  protected loadDeliveries(): void {
    const webhook = this.selected();
    if (!webhook) return;
    this.api.deliveries(webhook.id).subscribe({
      next: (res) => { this.deliveries.set(res.items); this.deliveriesTotal.set(res.total); },
      error: (e) => this.error.set(errorText(e)),
    });
  }

  protected redeliver(delivery: WebhookDeliveryView): void {
    this.api.redeliver(delivery.id).subscribe({
      next: () => { this.snack.open('Delivery queued again', undefined, { duration: 3000 }); this.loadDeliveries(); },
      error: (e) => this.error.set(errorText(e)),
    });
  }

  protected copied(): void {
    this.snack.open('Secret copied', undefined, { duration: 2000 });
  }
}
