import { inject } from '@angular/core';
import { CanDeactivateFn } from '@angular/router';
import { MatDialog } from '@angular/material/dialog';
import { AuthSession } from '../../auth/auth-session';
import { confirmAction } from '../../core/confirm-dialog';

export interface HasUnsavedChanges {
  hasUnsavedChanges(): boolean;
}

/** Asks before leaving the rule editor with unsaved edits (not when the session has just ended). */
export const leaveRuleEditorGuard: CanDeactivateFn<HasUnsavedChanges> = (component) => {
  const session = inject(AuthSession);
  const dialog = inject(MatDialog);
  if (!session.isSignedIn() || !component?.hasUnsavedChanges()) return true;
  return confirmAction(dialog, {
    title: 'Leave without saving?',
    message: 'Your changes to this rule are not saved.',
    confirmLabel: 'Leave',
    destructive: true,
  });
};
