import { ChangeDetectionStrategy, Component, DestroyRef, OnInit, inject, input, output, signal } from '@angular/core';
import { takeUntilDestroyed, toObservable } from '@angular/core/rxjs-interop';
import { MatIconModule } from '@angular/material/icon';
import { catchError, combineLatest, debounceTime, distinctUntilChanged, map, of, switchMap } from 'rxjs';
import type { CronPreview as CronPreviewView } from '../../../../../contracts/workflows';
import { errorMessages } from '../../core/api-errors';
import { DisplaySettings } from '../../core/display-settings';
import { WorkflowsApi } from '../workflows-api';

type Preview = { ok: true; value: CronPreviewView } | { ok: false; error: string };

/**
 * The schedule in words and its next five runs, asked of the server (GET /workflows/cron-preview) so the
 * console shows exactly what the scheduler will do: each run in the rule's zone and in the admin's own.
 */
@Component({
  selector: 'app-cron-preview',
  imports: [MatIconModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @if (preview(); as p) {
      @if (!p.ok) {
        <p class="error" role="alert" data-testid="cron-error"><mat-icon inline aria-hidden="true" svgIcon="error_outline" /> {{ p.error }}</p>
      } @else {
        <div class="preview" data-testid="cron-preview" aria-live="polite">
          <p class="words" data-testid="cron-description">{{ p.value.description }} ({{ p.value.timeZone }})</p>
          <table>
            <thead><tr><th>Next runs, {{ p.value.timeZone }}</th>@if (p.value.timeZone !== localZone()) { <th>Your time ({{ localZone() }})</th> }</tr></thead>
            <tbody>
              @for (time of p.value.next; track time) {
                <tr data-testid="cron-next-time">
                  <td>{{ format(time, p.value.timeZone) }}</td>
                  @if (p.value.timeZone !== localZone()) { <td class="muted" data-testid="cron-next-local">{{ format(time, localZone()) }}</td> }
                </tr>
              }
            </tbody>
          </table>
        </div>
      }
    }
  `,
  styles: `
    .preview { background: var(--mat-sys-surface-container); border-radius: 8px; padding: 8px 12px; margin-bottom: 12px; }
    .words { margin: 0 0 4px; font-weight: 500; }
    table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
    th { text-align: left; font-weight: 400; color: var(--mat-sys-on-surface-variant); padding-right: 24px; }
    td { padding: 2px 24px 2px 0; }
    .error { color: var(--mat-sys-error); margin: 0 0 12px; }
  `,
})
export class CronPreview implements OnInit {
  private readonly api = inject(WorkflowsApi);
  private readonly destroyRef = inject(DestroyRef);

  readonly cron = input.required<string>();
  readonly timeZone = input('UTC');
  /** The server's objection to the cron or the zone (null when it accepts both). */
  readonly problem = output<string | null>();

  private readonly display = inject(DisplaySettings);
  /** The zone the user reads times in (their setting, else the browser's). */
  protected readonly localZone = this.display.timeZone;
  protected readonly preview = signal<Preview | null>(null);

  /** A run in a zone, on the user's clock, e.g. "Mon 30 Mar 2026, 08:00:00" (the weekday matters for schedules). */
  protected format(iso: string, timeZone: string): string {
    return `${this.weekday(iso, timeZone)} ${this.display.format(iso, 'medium', timeZone)}`;
  }

  private weekday(iso: string, timeZone: string): string {
    return new Intl.DateTimeFormat('en-GB', { timeZone, weekday: 'short' }).format(new Date(iso));
  }

  private readonly cron$ = toObservable(this.cron);
  private readonly zone$ = toObservable(this.timeZone);

  ngOnInit(): void {
    combineLatest([this.cron$, this.zone$])
      .pipe(
        map(([cron, zone]) => [cron.trim().replace(/\s+/g, ' '), zone.trim() || 'UTC'] as const),
        debounceTime(300),
        distinctUntilChanged((a, b) => a[0] === b[0] && a[1] === b[1]),
        switchMap(([cron, zone]) =>
          !cron
            ? of(null)
            : this.api.cronPreview(cron, zone).pipe(
                map((value): Preview => ({ ok: true, value })),
                catchError((err: unknown) => of<Preview>({ ok: false, error: errorMessages(err).join('; ') || 'The schedule could not be checked' })),
              ),
        ),
        takeUntilDestroyed(this.destroyRef),
      )
      .subscribe((preview) => {
        this.preview.set(preview);
        this.problem.emit(preview && !preview.ok ? preview.error : null);
      });
  }
}
