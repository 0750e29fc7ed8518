import { ChangeDetectionStrategy, Component, OnInit, inject, signal } from '@angular/core';
import { Router } from '@angular/router';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { AuthService } from './auth.service';
import { takeTokenFromFragment } from './sso-callback';

/** Where single sign-on lands: stores the token like a password sign-in would, then opens the console. */
@Component({
  selector: 'app-sso-callback-page',
  imports: [MatProgressBarModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <main class="callback" aria-live="polite">
      @if (failed()) {
        <p role="alert">The sign-in could not be completed. <a href="/login">Back to sign-in</a></p>
      } @else {
        <mat-progress-bar mode="indeterminate" aria-label="Signing in" />
        <p>Signing in…</p>
      }
    </main>
  `,
  styles: `.callback { max-width: 420px; margin: 20vh auto; text-align: center; }`,
})
export class SsoCallbackPage implements OnInit {
  private readonly auth = inject(AuthService);
  private readonly router = inject(Router);
  protected readonly failed = signal(false);

  ngOnInit(): void {
    const token = takeTokenFromFragment(window.location.hash);
    history.replaceState(null, '', '/login/callback');
    if (!token) {
      void this.router.navigate(['/login'], { queryParams: { error: 'The sign-in did not hand over a session. Please try again.' } });
      return;
    }
    this.auth.adoptToken(token).subscribe({
      next: () => void this.router.navigateByUrl('/cases', { replaceUrl: true }),
      error: () => this.failed.set(true),
    });
  }
}
