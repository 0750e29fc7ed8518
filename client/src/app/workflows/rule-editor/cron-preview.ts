import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import { DatePipe } from '@angular/common';
import { MatIconModule } from '@angular/material/icon';
import { nextCronTimes } from '../cron/cron-schedule';

/** The next five run times of a cron, computed in the browser, or why the cron is not valid. */
@Component({
  selector: 'app-cron-preview',
  imports: [DatePipe, MatIconModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @if (preview(); as p) {
      @if (p.error) {
        <p class="error" role="alert" data-testid="cron-error"><mat-icon inline aria-hidden="true" svgIcon="error_outline" /> {{ p.error }}</p>
      } @else {
        <div class="preview" data-testid="cron-preview" aria-live="polite">
          <span class="muted">Next runs ({{ timeZone }}):</span>
          <ol>
            @for (time of p.times; track time.getTime()) {
              <li data-testid="cron-next-time">{{ time | date: 'EEE d MMM y, HH:mm:ss' }}</li>
            }
          </ol>
        </div>
      }
    }
  `,
  styles: `
    .preview { background: var(--mat-sys-surface-container); border-radius: 8px; padding: 8px 12px; margin-bottom: 12px; }
    ol { margin: 4px 0 0; padding-left: 20px; font-variant-numeric: tabular-nums; }
    .error { color: var(--mat-sys-error); margin: 0 0 12px; }
  `,
})
export class CronPreview {
  readonly cron = input.required<string>();
  protected readonly timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone;

  protected readonly preview = computed(() => {
    const expression = this.cron().trim();
    if (!expression) return null;
    try {
      return { times: nextCronTimes(expression, 5), error: null };
    } catch (err) {
      return { times: [], error: err instanceof Error ? err.message : 'Invalid cron expression' };
    }
  });
}
