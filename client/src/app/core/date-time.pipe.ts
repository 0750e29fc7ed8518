import { Pipe, PipeTransform, inject } from '@angular/core';
import type { DateTimeStyle } from './date-time-format';
import { DisplaySettings } from './display-settings';

/**
 * `{{ value | dateTime: 'short' }}`: a time in the user's zone and clock. Not pure, so a changed setting shows on
 * the next check; the formatters it uses are cached, so it costs a lookup per time shown.
 */
@Pipe({ name: 'dateTime', pure: false })
export class DateTimePipe implements PipeTransform {
  private readonly display = inject(DisplaySettings);

  transform(value: string | number | Date | null | undefined, style: DateTimeStyle = 'medium', timeZone?: string): string {
    return this.display.format(value, style, timeZone);
  }
}
