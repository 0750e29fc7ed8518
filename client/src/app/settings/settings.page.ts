import { ChangeDetectionStrategy, Component, OnInit, computed, inject, signal } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { FormControl, FormGroup, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatAutocompleteModule } from '@angular/material/autocomplete';
import { MatButtonModule } from '@angular/material/button';
import { MatChipsModule } from '@angular/material/chips';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSelectModule } from '@angular/material/select';
import { MatSlideToggleModule } from '@angular/material/slide-toggle';
import { MatSnackBar } from '@angular/material/snack-bar';
import { startWith } from 'rxjs';
import { AuthSession } from '../auth/auth-session';
import type { NotificationPreferences } from '../../../../contracts/api';
import { DEFAULT_EMAIL_PREFERENCES } from '../../../../contracts/email';
import { NOTIFICATION_PRIORITIES, type NotificationPriority } from '../../../../contracts/enums';
import { errorMessages } from '../core/api-errors';
import { EnumLabelPipe } from '../core/enum-label.pipe';
import { applyServerErrors, resolveInside } from '../core/server-validation';
import { NotificationsApi } from '../notifications/notifications-api';
import { NotificationPreferencesStore } from '../notifications/notification-preferences-store';
import { desktopPermission, requestDesktopPermission, type DesktopPermission } from '../notifications/desktop-notifications';
import { WorkflowsApi } from '../workflows/workflows-api';
import { WorkflowRule } from '../workflows/workflow.models';
import { browserTimeZone, supportedTimeZones } from './time-zones';
import { EmailSettings, emailSettingsForm } from './email-settings';
import { DisplaySettingsCard } from './display-settings-card';

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;

@Component({
  selector: 'app-settings-page',
  imports: [
    ReactiveFormsModule,
    MatAutocompleteModule,
    MatButtonModule,
    MatChipsModule,
    MatFormFieldModule,
    MatIconModule,
    MatInputModule,
    MatProgressBarModule,
    MatSelectModule,
    MatSlideToggleModule,
    EnumLabelPipe,
    EmailSettings,
    DisplaySettingsCard,
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './settings.page.html',
  styleUrl: './settings.page.scss',
})
export class SettingsPage implements OnInit {
  private readonly api = inject(NotificationsApi);
  private readonly workflows = inject(WorkflowsApi);
  private readonly snackBar = inject(MatSnackBar);
  private readonly preferenceStore = inject(NotificationPreferencesStore);
  /** The preferences as loaded: fields this page does not edit are sent back as they were. */
  private loaded: NotificationPreferences | null = null;
  protected readonly session = inject(AuthSession);

  protected readonly priorities = NOTIFICATION_PRIORITIES;
  protected readonly timeZones = supportedTimeZones();
  protected readonly rules = signal<WorkflowRule[]>([]);
  protected readonly loading = signal(true);
  protected readonly saving = signal(false);
  protected readonly formErrors = signal<string[]>([]);
  /** Names of the user's muted rules as their notifications carried them (investigators cannot list rules). */
  protected readonly mutedNames = signal<Map<string, string | null>>(new Map());
  protected readonly desktopPermission = signal<DesktopPermission>(desktopPermission());

  protected readonly form = new FormGroup({
    minToastPriority: new FormControl<NotificationPriority>('LOW', { nonNullable: true }),
    mutedRuleIds: new FormControl<string[]>([], { nonNullable: true }),
    desktop: new FormControl(false, { nonNullable: true }),
    quietEnabled: new FormControl(false, { nonNullable: true }),
    quietHours: new FormGroup({
      start: new FormControl('22:00', { nonNullable: true, validators: [Validators.required, Validators.pattern(HHMM)] }),
      end: new FormControl('07:00', { nonNullable: true, validators: [Validators.required, Validators.pattern(HHMM)] }),
      timeZone: new FormControl(browserTimeZone(), { nonNullable: true, validators: [Validators.required] }),
    }),
    email: emailSettingsForm(),
  });

  private readonly timeZoneText = toSignal(
    this.form.controls.quietHours.controls.timeZone.valueChanges.pipe(startWith('')),
    { initialValue: '' },
  );
  protected readonly timeZoneOptions = computed(() => {
    const text = (this.timeZoneText() ?? '').toLowerCase();
    const zones = this.timeZones;
    if (!text || zones.some((z) => z.toLowerCase() === text)) return zones;
    return zones.filter((z) => z.toLowerCase().includes(text));
  });

  ngOnInit(): void {
    this.form.controls.quietEnabled.valueChanges.subscribe((on) => this.applyQuietEnabled(on));
    if (this.desktopPermission() === 'unsupported') this.form.controls.desktop.disable({ emitEvent: false });
    this.api.preferences().subscribe({
      next: (prefs) => {
        this.show(prefs);
        this.loading.set(false);
      },
      error: () => this.loading.set(false),
    });
    this.api.mutedRules().subscribe({
      next: (res) => this.mutedNames.set(new Map(res.items.map((r) => [r.ruleId, r.ruleName]))),
      error: () => undefined,
    });
    if (this.session.isAdmin()) {
      this.workflows.rules().subscribe({ next: (rules) => this.rules.set(rules), error: () => undefined });
    }
  }

  protected ruleName(id: string): string {
    return this.rules().find((r) => r.id === id)?.name ?? this.mutedNames().get(id) ?? `Rule ${id.slice(0, 8)}… (name unknown)`;
  }

  /**
   * Turning desktop notifications on asks the browser first (this runs from the click, as browsers require);
   * refused or unsupported, the switch goes back off and says why.
   */
  protected async desktopToggled(on: boolean): Promise<void> {
    if (!on) return;
    const permission = await requestDesktopPermission();
    this.desktopPermission.set(permission);
    if (permission !== 'granted') this.form.controls.desktop.setValue(false);
  }

  protected unmute(id: string): void {
    const ids = this.form.controls.mutedRuleIds.value.filter((v) => v !== id);
    this.form.controls.mutedRuleIds.setValue(ids);
    this.form.markAsDirty();
  }

  protected save(): void {
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      return;
    }
    const raw = this.form.getRawValue();
    const preferences: NotificationPreferences = {
      ...this.loaded,
      desktop: raw.desktop,
      minToastPriority: raw.minToastPriority,
      mutedRuleIds: raw.mutedRuleIds,
      quietHours: raw.quietEnabled ? { ...raw.quietHours } : null,
      email: { ...raw.email },
    };
    this.saving.set(true);
    this.formErrors.set([]);
    this.api.savePreferences(preferences).subscribe({
      next: (saved) => {
        this.saving.set(false);
        this.show(saved);
        this.preferenceStore.set(saved);
        this.snackBar.open('Notification settings saved', undefined, { duration: 3000 });
      },
      error: (err: unknown) => {
        this.saving.set(false);
        this.formErrors.set(applyServerErrors(errorMessages(err), resolveInside(this.form)));
      },
    });
  }

  private show(prefs: NotificationPreferences): void {
    this.loaded = prefs;
    this.form.reset({
      desktop: prefs.desktop === true,
      minToastPriority: prefs.minToastPriority,
      mutedRuleIds: [...(prefs.mutedRuleIds ?? [])],
      quietEnabled: !!prefs.quietHours,
      quietHours: prefs.quietHours ?? { start: '22:00', end: '07:00', timeZone: browserTimeZone() },
      email: prefs.email ?? DEFAULT_EMAIL_PREFERENCES,
    });
    this.applyQuietEnabled(!!prefs.quietHours);
  }

  private applyQuietEnabled(on: boolean): void {
    const group = this.form.controls.quietHours;
    if (on) group.enable({ emitEvent: false });
    else group.disable({ emitEvent: false });
  }
}
