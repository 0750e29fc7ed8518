import { Clipboard } from '@angular/cdk/clipboard';
import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MAT_DIALOG_DATA, MatDialogModule } from '@angular/material/dialog';

/** Shows a reset's temporary password once: it is not stored anywhere the console could show it again. */
@Component({
  selector: 'app-temporary-password-dialog',
  imports: [MatButtonModule, MatDialogModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <h2 mat-dialog-title>Temporary password for {{ data.name }}</h2>
    <mat-dialog-content>
      <p>Give it to {{ data.name }} through a channel you trust. It is shown only now.</p>
      <p class="password"><code data-testid="temporary-password">{{ data.temporaryPassword }}</code></p>
      <p>They must choose a new password at their next sign-in; until then they can do nothing else. Their other sessions have ended.</p>
    </mat-dialog-content>
    <mat-dialog-actions align="end">
      <button mat-button (click)="copy()" data-testid="copy-password">{{ copied() ? 'Copied' : 'Copy' }}</button>
      <button mat-flat-button mat-dialog-close data-testid="temporary-password-done">Done</button>
    </mat-dialog-actions>
  `,
  styles: `.password code { font-size: 1.2em; padding: 8px 12px; background: var(--mat-sys-surface-container); border-radius: 6px; user-select: all; }`,
})
export class TemporaryPasswordDialog {
  protected readonly data = inject<{ name: string; temporaryPassword: string }>(MAT_DIALOG_DATA);
  private readonly clipboard = inject(Clipboard);
  protected readonly copied = signal(false);

  protected copy(): void {
    this.copied.set(this.clipboard.copy(this.data.temporaryPassword));
  }
}
