import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import type { BacklogSeries } from '../ops-timeline';
import { niceCeil } from '../ops-timeline';
import { anchorAt, hostWidth, yTicks } from './chart-frame';

const HEIGHT = 160;
const PAD = { top: 12, right: 8, bottom: 24, left: 48 };
/** Queue → colour token; a queue added later (e-mail) takes the next one. */
const COLOURS = ['var(--mat-sys-primary)', 'var(--mat-sys-tertiary)', 'var(--mat-sys-secondary)', 'var(--mat-sys-error)'];

export interface BacklogLine { queue: string; colour: string; path: string; latest: number | null; dot: { x: number; y: number } | null }

/**
 * Each queue's longest wait (seconds) over the window as a line; a gap in the samples (server down) breaks the line.
 * Plain SVG coloured with the Material system tokens.
 */
@Component({
  selector: 'app-backlog-chart',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <svg [attr.width]="width()" [attr.height]="height" role="img" [attr.aria-label]="label()" data-testid="backlog-chart">
      @for (tick of ticks(); track tick.value) {
        <line class="grid" [attr.x1]="pad.left" [attr.x2]="width() - pad.right" [attr.y1]="tick.y" [attr.y2]="tick.y" />
        <text class="axis" [attr.x]="pad.left - 6" [attr.y]="tick.y + 4" text-anchor="end">{{ tick.text }}</text>
      }
      @for (line of lines(); track line.queue) {
        <path [attr.d]="line.path" [style.stroke]="line.colour" class="line" [attr.data-queue]="line.queue" />
        @if (line.dot; as dot) { <circle [attr.cx]="dot.x" [attr.cy]="dot.y" r="3.5" [style.fill]="line.colour" /> }
      }
      @for (l of xLabels(); track l.x) {
        <text class="axis" [attr.x]="l.x" [attr.y]="height - 6" [attr.text-anchor]="l.anchor">{{ l.text }}</text>
      }
    </svg>
  `,
  styleUrl: './chart.scss',
  styles: `
    .line { fill: none; stroke-width: 2; stroke-linejoin: round; stroke-linecap: round; }
  `,
})
export class BacklogChart {
  readonly series = input.required<BacklogSeries[]>();
  readonly from = input.required<string>();
  readonly to = input.required<string>();
  readonly intervalSeconds = input.required<number>();
  readonly labelOf = input.required<(iso: string) => string>();

  protected readonly width = hostWidth();
  protected readonly height = HEIGHT;
  protected readonly pad = PAD;
  private readonly plotHeight = HEIGHT - PAD.top - PAD.bottom;

  private readonly top = computed(() => niceCeil(Math.max(1, ...this.series().flatMap((s) => s.points.map((p) => p.oldestAgeSeconds)))));

  protected readonly ticks = computed(() => yTicks(this.top(), PAD, this.plotHeight, formatSeconds));

  private x(iso: string): number {
    const from = Date.parse(this.from());
    const span = Math.max(1, Date.parse(this.to()) - from);
    return PAD.left + ((Date.parse(iso) - from) / span) * (this.width() - PAD.left - PAD.right);
  }

  readonly lines = computed<BacklogLine[]>(() => {
    const top = this.top();
    const gapMs = this.intervalSeconds() * 1000 * 1.5;
    return this.series().map((s, i) => {
      let path = '';
      let previous = -Infinity;
      let dot: { x: number; y: number } | null = null;
      for (const p of s.points) {
        const at = Date.parse(p.bucketStart);
        dot = { x: this.x(p.bucketStart), y: PAD.top + this.plotHeight * (1 - p.oldestAgeSeconds / top) };
        path += `${at - previous > gapMs ? 'M' : 'L'}${dot.x.toFixed(1)},${dot.y.toFixed(1)} `;
        previous = at;
      }
      // The latest sample as a dot: "now" is visible even before there is a line.
      return { queue: s.queue, colour: COLOURS[i % COLOURS.length], path: path.trim(), latest: s.points.at(-1)?.oldestAgeSeconds ?? null, dot };
    });
  });

  /** Labels at whole hours or days (local time), as many as fit at about one per 72 px. */
  protected readonly xLabels = computed(() => {
    const from = Date.parse(this.from());
    const to = Date.parse(this.to());
    const fits = Math.max(2, Math.floor((this.width() - PAD.left - PAD.right) / 72));
    return timeTicks(from, to, fits).map((t) => {
      const iso = new Date(t).toISOString();
      const x = this.x(iso);
      return { x, text: this.labelOf()(iso), anchor: anchorAt(x, this.width(), PAD) };
    });
  });

  protected readonly label = computed(() =>
    'Longest wait per queue over time: ' +
    this.lines().map((l) => `${l.queue} ${l.latest === null ? 'no samples' : `now ${formatSeconds(l.latest)}`}`).join(', '));
}

const HOUR_MS = 3_600_000;

/** Tick times in (from, to): local whole days when the window is longer than two days, else whole hours 1–12 apart. */
export function timeTicks(from: number, to: number, fits: number): number[] {
  const ticks: number[] = [];
  if (to - from > 48 * HOUR_MS) {
    const day = new Date(from);
    day.setHours(24, 0, 0, 0);
    const days: number[] = [];
    for (; day.getTime() < to; day.setDate(day.getDate() + 1)) days.push(day.getTime());
    const every = Math.ceil(days.length / fits);
    return days.filter((_, i) => i % every === 0);
  }
  const step = [1, 2, 3, 4, 6, 12].find((h) => (to - from) / (h * HOUR_MS) <= fits) ?? 24;
  const t = new Date(from);
  t.setMinutes(60, 0, 0);
  for (; t.getTime() < to; t.setTime(t.getTime() + HOUR_MS)) if (t.getHours() % step === 0) ticks.push(t.getTime());
  return ticks;
}

export function formatSeconds(s: number): string {
  if (s >= 3600) return `${Math.round(s / 360) / 10} h`;
  if (s >= 60) return `${Math.round(s / 6) / 10} min`;
  return `${Math.round(s * 10) / 10} s`;
}
