import { Pipe, PipeTransform } from '@angular/core';

/** "UNDER_REVIEW" → "Under review"; "case.status_changed" stays as it is. */
export function enumLabel(value: string | null | undefined): string {
  if (!value) return '';
  if (!/^[A-Z0-9_]+$/.test(value)) return value;
  const words = value.toLowerCase().split('_').filter(Boolean).join(' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

@Pipe({ name: 'enumLabel' })
export class EnumLabelPipe implements PipeTransform {
  transform(value: string | null | undefined): string {
    return enumLabel(value);
  }
}
