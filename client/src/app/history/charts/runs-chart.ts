import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import type { RunStatsPoint } from '../ops-timeline';
import { niceCeil } from '../ops-timeline';
import { anchorAt, hostWidth, yTicks } from './chart-frame';

const HEIGHT = 180;
const PAD = { top: 12, right: 8, bottom: 24, left: 40 };

interface Bar { x: number; width: number; okY: number; okHeight: number; failY: number; failHeight: number; title: string; failures: number }

/**
 * Runs per bucket as stacked bars: succeeded runs in the primary colour, failed runs in the error colour on top.
 * Plain SVG coloured with the Material system tokens, so it follows the light and dark themes.
 */
@Component({
  selector: 'app-runs-chart',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <svg [attr.width]="width()" [attr.height]="height" role="img" [attr.aria-label]="label()" data-testid="runs-chart">
      @for (tick of ticks(); track tick.value) {
        <line class="grid" [attr.x1]="pad.left" [attr.x2]="width() - pad.right" [attr.y1]="tick.y" [attr.y2]="tick.y" />
        <text class="axis" [attr.x]="pad.left - 6" [attr.y]="tick.y + 4" text-anchor="end">{{ tick.text }}</text>
      }
      @for (bar of bars(); track $index) {
        <g>
          <title>{{ bar.title }}</title>
          <rect class="hit" [attr.x]="bar.x" [attr.y]="pad.top" [attr.width]="bar.width" [attr.height]="plotHeight" />
          @if (bar.okHeight > 0) { <rect class="ok" [attr.x]="bar.x" [attr.y]="bar.okY" [attr.width]="bar.width" [attr.height]="bar.okHeight" rx="1.5" /> }
          @if (bar.failHeight > 0) {
            <rect class="failed" [attr.x]="bar.x" [attr.y]="bar.failY" [attr.width]="bar.width" [attr.height]="bar.failHeight" rx="1.5"
                  data-testid="runs-chart-failures" [attr.data-failures]="bar.failures" />
          }
        </g>
      }
      @for (l of xLabels(); track l.x) {
        <text class="axis" [attr.x]="l.x" [attr.y]="height - 6" [attr.text-anchor]="l.anchor">{{ l.text }}</text>
      }
    </svg>
  `,
  styleUrl: './chart.scss',
  styles: `
    .ok { fill: var(--mat-sys-primary); }
    .failed { fill: var(--mat-sys-error); }
    .hit { fill: transparent; }
    g:hover .hit { fill: var(--mat-sys-surface-container-high); }
  `,
})
export class RunsChart {
  readonly points = input.required<RunStatsPoint[]>();
  /** Axis text of a bucket start, e.g. "14:00" or "Mon 1". */
  readonly labelOf = input.required<(iso: string) => string>();

  protected readonly width = hostWidth();
  protected readonly height = HEIGHT;
  protected readonly pad = PAD;
  protected readonly plotHeight = HEIGHT - PAD.top - PAD.bottom;

  private readonly top = computed(() => niceCeil(Math.max(0, ...this.points().map((p) => p.runs))));

  protected readonly ticks = computed(() => yTicks(this.top(), PAD, this.plotHeight, formatCount));

  protected readonly bars = computed<Bar[]>(() => {
    const points = this.points();
    const slot = (this.width() - PAD.left - PAD.right) / Math.max(1, points.length);
    const barWidth = Math.max(1, slot * 0.7);
    const scale = this.plotHeight / this.top();
    const base = PAD.top + this.plotHeight;
    return points.map((p, i) => {
      const failHeight = p.failures * scale;
      const okHeight = Math.max(0, p.runs - p.failures) * scale;
      return {
        x: PAD.left + i * slot + (slot - barWidth) / 2, width: barWidth,
        okY: base - okHeight, okHeight, failY: base - okHeight - failHeight, failHeight, failures: p.failures,
        title: `${this.labelOf()(p.bucketStart)}: ${p.runs} run${p.runs === 1 ? '' : 's'}, ${p.failures} failed, ${p.skipped} skipped`,
      };
    });
  });

  protected readonly xLabels = computed(() => {
    const points = this.points();
    const slot = (this.width() - PAD.left - PAD.right) / Math.max(1, points.length);
    // About one label per 64 px.
    const every = Math.max(1, Math.ceil(64 / slot));
    return points
      .map((p, i) => ({ i, x: PAD.left + i * slot + slot / 2, text: this.labelOf()(p.bucketStart) }))
      .filter((l) => (points.length - 1 - l.i) % every === 0)
      .map((l) => ({ ...l, anchor: anchorAt(l.x, this.width(), PAD) }));
  });

  protected readonly label = computed(() => {
    const points = this.points();
    const runs = points.reduce((n, p) => n + p.runs, 0);
    const failures = points.reduce((n, p) => n + p.failures, 0);
    return `Rule runs per bucket: ${runs} runs, ${failures} failed in ${points.length} buckets`;
  });
}

export function formatCount(n: number): string {
  if (n >= 1_000_000) return `${Math.round(n / 100_000) / 10}M`;
  if (n >= 1000) return `${Math.round(n / 100) / 10}k`;
  return String(Math.round(n * 10) / 10);
}
