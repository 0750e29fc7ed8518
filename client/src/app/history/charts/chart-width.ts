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
