import { DestroyRef, ElementRef, afterNextRender, inject, signal } from '@angular/core';

/**
 * The host element's width in CSS pixels, kept current with a ResizeObserver: charts lay out in real pixels
 * so their text stays legible at phone width instead of being scaled down with a viewBox.
 */
export function hostWidth(fallback = 600) {
  const host = inject<ElementRef<HTMLElement>>(ElementRef);
  const width = signal(fallback);
  const destroyRef = inject(DestroyRef);
  afterNextRender(() => {
    const measure = () => {
      const w = Math.floor(host.nativeElement.getBoundingClientRect().width);
      if (w > 0) width.set(w);
    };
    measure();
    if (typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(measure);
    observer.observe(host.nativeElement);
    destroyRef.onDestroy(() => observer.disconnect());
  });
  return width.asReadonly();
}

export interface ChartPadding { top: number; right: number; bottom: number; left: number }

/** Three horizontal grid lines (0, half, top) with their values written by `format`. */
export function yTicks(top: number, pad: ChartPadding, plotHeight: number, format: (value: number) => string) {
  return [0, 0.5, 1].map((f) => ({ value: f, y: pad.top + plotHeight * (1 - f), text: format(top * f) }));
}

/** Labels near an edge are anchored to it so they are never cut off. */
export function anchorAt(x: number, width: number, pad: ChartPadding): 'start' | 'middle' | 'end' {
  if (x > width - 32) return 'end';
  if (x < pad.left + 8) return 'start';
  return 'middle';
}
