import { inject } from '@angular/core';
import { CanActivateFn, Router } from '@angular/router';
import { AuthSession } from './auth-session';

/** While an admin's reset is pending (`mustChangePassword`), every page leads to the change-password screen. */
export const passwordChangeGuard: CanActivateFn = () => {
  const session = inject(AuthSession);
  return session.user()?.mustChangePassword ? inject(Router).createUrlTree(['/change-password']) : true;
};
