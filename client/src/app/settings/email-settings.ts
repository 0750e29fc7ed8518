import { ChangeDetectionStrategy, Component, input } from '@angular/core';
import { FormControl, FormGroup, ReactiveFormsModule } from '@angular/forms';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatSelectModule } from '@angular/material/select';
import { MatSlideToggleModule } from '@angular/material/slide-toggle';
import { DEFAULT_EMAIL_PREFERENCES, type EmailDigest, type EmailPreferences } from '../../../../contracts/email';
import { NOTIFICATION_PRIORITIES, type NotificationPriority } from '../../../../contracts/enums';
import { EnumLabelPipe } from '../core/enum-label.pipe';

export type EmailSettingsForm = FormGroup<{
  enabled: FormControl<boolean>;
  minPriority: FormControl<NotificationPriority>;
  onlyWhenOffline: FormControl<boolean>;
  digest: FormControl<EmailDigest>;
}>;

/** The e-mail part of the preferences form, as its own group (the Settings page saves it with the rest). */
export function emailSettingsForm(value: EmailPreferences = DEFAULT_EMAIL_PREFERENCES): EmailSettingsForm {
  return new FormGroup({
    enabled: new FormControl(value.enabled, { nonNullable: true }),
    minPriority: new FormControl<NotificationPriority>(value.minPriority, { nonNullable: true }),
    onlyWhenOffline: new FormControl(value.onlyWhenOffline, { nonNullable: true }),
    digest: new FormControl<EmailDigest>(value.digest, { nonNullable: true }),
  });
}

/** Settings → E-mail: whether, from which priority, only while away, and a digest of the rest. */
@Component({
  selector: 'app-email-settings',
  imports: [ReactiveFormsModule, MatFormFieldModule, MatSelectModule, MatSlideToggleModule, EnumLabelPipe],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <section class="card" [formGroup]="group()" data-testid="settings-email">
      <h2>E-mail</h2>
      <p class="muted">Notifications can also reach you by e-mail, with a link to the case, when the server has e-mail set up.</p>
      <mat-slide-toggle formControlName="enabled" data-testid="settings-email-enabled">Send me e-mails</mat-slide-toggle>
      @if (group().controls.enabled.value) {
        <div class="email-fields">
          <mat-form-field>
            <mat-label>E-mail each notification from priority</mat-label>
            <mat-select formControlName="minPriority" data-testid="settings-email-min-priority">
              @for (p of priorities; track p) { <mat-option [value]="p">{{ p | enumLabel }} and above</mat-option> }
            </mat-select>
            @if (group().controls.minPriority.getError('server'); as message) { <mat-error>{{ message }}</mat-error> }
          </mat-form-field>
          <mat-form-field>
            <mat-label>The others</mat-label>
            <mat-select formControlName="digest" data-testid="settings-email-digest">
              <mat-option value="OFF">No e-mail</mat-option>
              <mat-option value="HOURLY">In an hourly digest</mat-option>
              <mat-option value="DAILY">In a daily digest (06:00 UTC)</mat-option>
            </mat-select>
            @if (group().controls.digest.getError('server'); as message) { <mat-error>{{ message }}</mat-error> }
          </mat-form-field>
        </div>
        <mat-slide-toggle formControlName="onlyWhenOffline" data-testid="settings-email-offline">
          Only when I have no console open
        </mat-slide-toggle>
      }
    </section>
  `,
  styles: `
    .card {
      display: flex; flex-direction: column; gap: 12px; border: 1px solid var(--mat-sys-outline-variant); border-radius: 12px;
      background: var(--mat-sys-surface); padding: 12px 20px 16px;
    }
    h2 { font: var(--mat-sys-title-medium); margin: 4px 0 0; }
    .muted { margin: 0; }
    .email-fields { display: flex; flex-wrap: wrap; gap: 12px; }
    .email-fields mat-form-field { flex: 1 1 240px; }
  `,
})
export class EmailSettings {
  readonly group = input.required<EmailSettingsForm>();
  protected readonly priorities = NOTIFICATION_PRIORITIES;
}
