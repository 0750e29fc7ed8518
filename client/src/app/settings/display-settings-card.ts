import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { MatAutocompleteModule, type MatAutocompleteSelectedEvent } from '@angular/material/autocomplete';
import { MatButtonModule } from '@angular/material/button';
import { MatButtonToggleModule } from '@angular/material/button-toggle';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatInputModule } from '@angular/material/input';
import { MatSnackBar } from '@angular/material/snack-bar';
import type { UserSettings } from '../../../../contracts/api';
import type { TimeFormat } from '../../../../contracts/enums';
import { errorText } from '../core/api-errors';
import { DisplaySettings } from '../core/display-settings';
import { browserTimeZone, supportedTimeZones } from './time-zones';

/** Theme, clock and time zone: each choice is saved at once (on the server, for this user) and shows at once. */
@Component({
  selector: 'app-display-settings-card',
  imports: [FormsModule, MatAutocompleteModule, MatButtonModule, MatButtonToggleModule, MatFormFieldModule, MatIconModule, MatInputModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <section class="card" aria-labelledby="display-heading" data-testid="display-settings">
      <h2 id="display-heading">Display</h2>
      <div class="row">
        <span class="label" id="theme-label">Theme</span>
        <mat-button-toggle-group [value]="display.theme()" (change)="save({ theme: $event.value })"
                                 aria-labelledby="theme-label" data-testid="settings-theme">
          <mat-button-toggle value="light" data-testid="settings-theme-light"><mat-icon svgIcon="light_mode" aria-hidden="true" /> Light</mat-button-toggle>
          <mat-button-toggle value="dark" data-testid="settings-theme-dark"><mat-icon svgIcon="dark_mode" aria-hidden="true" /> Dark</mat-button-toggle>
          <mat-button-toggle value="system" data-testid="settings-theme-system"><mat-icon svgIcon="contrast" aria-hidden="true" /> System</mat-button-toggle>
        </mat-button-toggle-group>
      </div>
      <div class="row">
        <span class="label" id="clock-label">Clock</span>
        <mat-button-toggle-group [value]="display.timeFormat()" (change)="save({ timeFormat: $event.value })"
                                 aria-labelledby="clock-label" data-testid="settings-time-format">
          <mat-button-toggle value="24h" data-testid="settings-time-format-24h">24 h ({{ sample('24h') }})</mat-button-toggle>
          <mat-button-toggle value="12h" data-testid="settings-time-format-12h">12 h ({{ sample('12h') }})</mat-button-toggle>
        </mat-button-toggle-group>
      </div>
      <div class="row zone-row">
        <mat-form-field class="zone">
          <mat-label>Show times in</mat-label>
          <input matInput [ngModel]="zoneText()" (ngModelChange)="zoneText.set($event)" [matAutocomplete]="zones"
                 (blur)="restoreZoneText()" data-testid="settings-display-timezone">
          <mat-autocomplete #zones="matAutocomplete" (optionSelected)="zonePicked($event)">
            @for (zone of zoneOptions(); track zone) { <mat-option [value]="zone">{{ zone }}</mat-option> }
          </mat-autocomplete>
          <mat-hint>{{ display.settings().timeZone ? 'Chosen zone' : 'This browser\\'s zone' }} · now {{ now() }}</mat-hint>
        </mat-form-field>
        @if (display.settings().timeZone) {
          <button mat-button type="button" (click)="save({ timeZone: null })" data-testid="settings-display-timezone-browser">
            Use this browser's zone ({{ browserZone }})
          </button>
        }
      </div>
    </section>
  `,
  styles: `
    .card { border: 1px solid var(--mat-sys-outline-variant); border-radius: 12px; background: var(--mat-sys-surface); padding: 12px 20px 16px; }
    h2 { font: var(--mat-sys-title-medium); margin: 4px 0 8px; }
    .row { display: flex; flex-wrap: wrap; align-items: center; gap: 8px 16px; margin: 8px 0; }
    .label { min-width: 64px; color: var(--mat-sys-on-surface-variant); }
    .zone { width: 320px; }
    mat-button-toggle mat-icon { margin-right: 4px; }
  `,
})
export class DisplaySettingsCard {
  protected readonly display = inject(DisplaySettings);
  private readonly snackBar = inject(MatSnackBar);
  protected readonly browserZone = browserTimeZone();
  private readonly zones = supportedTimeZones();

  protected readonly zoneText = signal(this.display.timeZone());
  protected readonly zoneOptions = computed(() => {
    const text = this.zoneText().trim().toLowerCase();
    if (!text || this.zones.some((z) => z.toLowerCase() === text)) return this.zones;
    return this.zones.filter((z) => z.toLowerCase().includes(text));
  });
  protected readonly now = computed(() => this.display.format(Date.now(), 'short'));

  protected sample(format: TimeFormat): string {
    return format === '24h' ? '15:30' : '3:30 pm';
  }

  protected zonePicked(event: MatAutocompleteSelectedEvent): void {
    this.save({ timeZone: event.option.value as string });
  }

  /** Typed text that is not a zone is dropped: the field shows the zone in use again. */
  protected restoreZoneText(): void {
    setTimeout(() => {
      if (!this.zones.includes(this.zoneText())) this.zoneText.set(this.display.timeZone());
    }, 200);
  }

  protected save(changes: Partial<UserSettings>): void {
    this.display.save(changes).subscribe({
      next: () => {
        this.zoneText.set(this.display.timeZone());
        this.snackBar.open('Display settings saved', undefined, { duration: 2000 });
      },
      error: (err: unknown) => {
        this.zoneText.set(this.display.timeZone());
        this.snackBar.open(`Not saved: ${errorText(err)}`, undefined, { duration: 5000 });
      },
    });
  }
}

