import { DOCUMENT } from '@angular/common';
import { HttpClient } from '@angular/common/http';
import { Injectable, computed, effect, inject, signal } from '@angular/core';
import { Observable, tap } from 'rxjs';
import type { UserSettings } from '../../../../contracts/api';
import type { Theme } from '../../../../contracts/enums';
import { browserTimeZone } from '../settings/time-zones';
import { API_BASE } from './api-models';
import { formatDateTime, isKnownTimeZone, type DateTimeStyle } from './date-time-format';

/** Also read by public/theme-init.js before the first paint: keep the key and the `theme` field in step. */
export const DISPLAY_STORAGE_KEY = 'auditcaseos.display';

export const DEFAULT_DISPLAY: UserSettings = { theme: 'system', timeFormat: '24h', timeZone: null };

function readStored(): UserSettings {
  try {
    const saved = JSON.parse(localStorage.getItem(DISPLAY_STORAGE_KEY) ?? 'null') as Partial<UserSettings> | null;
    return saved ? { ...DEFAULT_DISPLAY, ...saved } : { ...DEFAULT_DISPLAY };
  } catch {
    return { ...DEFAULT_DISPLAY };
  }
}

/**
 * The signed-in user's display settings (theme, clock, time zone), kept on the server per user and mirrored
 * in this browser's storage so the next visit paints in the right theme at once. Every time on screen is
 * formatted here, so changing a setting changes every time shown.
 */
@Injectable({ providedIn: 'root' })
export class DisplaySettings {
  private readonly http = inject(HttpClient);
  private readonly document = inject(DOCUMENT);

  readonly settings = signal<UserSettings>(readStored());
  readonly theme = computed<Theme>(() => this.settings().theme);
  /** The zone times are shown in: the chosen one, else the browser's. */
  readonly timeZone = computed(() => {
    const zone = this.settings().timeZone;
    return zone && isKnownTimeZone(zone) ? zone : browserTimeZone();
  });
  readonly timeFormat = computed(() => this.settings().timeFormat);

  constructor() {
    effect(() => {
      const settings = this.settings();
      const root = this.document.documentElement;
      if (settings.theme === 'system') root.removeAttribute('data-theme');
      else root.setAttribute('data-theme', settings.theme);
      try {
        localStorage.setItem(DISPLAY_STORAGE_KEY, JSON.stringify(settings));
      } catch { /* storage blocked: the server still has them */ }
    });
  }

  /** After sign-in: the server's copy wins over this browser's. */
  load(): void {
    this.http.get<UserSettings>(`${API_BASE}/users/me/settings`).subscribe({ next: (s) => this.settings.set(s), error: () => undefined });
  }

  /** Saves the changed fields; the page shows them at once and goes back if the server refuses. */
  save(changes: Partial<UserSettings>): Observable<UserSettings> {
    const before = this.settings();
    this.settings.set({ ...before, ...changes });
    return this.http.put<UserSettings>(`${API_BASE}/users/me/settings`, changes).pipe(
      tap({ next: (saved) => this.settings.set(saved), error: () => this.settings.set(before) }),
    );
  }

  /** `value` as text in the user's zone and clock ('' for nothing); `timeZone` overrides the zone (dates kept in UTC). */
  format(value: string | number | Date | null | undefined, style: DateTimeStyle = 'medium', timeZone?: string): string {
    return formatDateTime(value, style, { timeZone: timeZone ?? this.timeZone(), timeFormat: this.timeFormat() });
  }
}
