import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { RouterOutlet } from '@angular/router';
import { DisplaySettings } from './core/display-settings';

@Component({
  selector: 'app-root',
  imports: [RouterOutlet],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: '<router-outlet />',
})
export class App {
  /** Created with the app, so the theme this browser remembers stays applied on every page, the login page too. */
  protected readonly display = inject(DisplaySettings);
}
