import { inject } from '@angular/core';
import { CanActivateFn, Router } from '@angular/router';
import type { Role } from '../../../../contracts/enums';
import { AuthSession } from './auth-session';

/** Lets signed-in users through; everyone else goes to /login and comes back afterwards. */
export const signedInGuard: CanActivateFn = (_route, state) => {
  const session = inject(AuthSession);
  if (session.isSignedIn()) return true;
  return inject(Router).createUrlTree(['/login'], { queryParams: { returnUrl: state.url } });
};

/** Keeps signed-in users away from the login page. */
export const signedOutGuard: CanActivateFn = () => {
  const session = inject(AuthSession);
  return session.isSignedIn() ? inject(Router).createUrlTree(['/cases']) : true;
};

/** Only the given roles may enter; others land on the cases list. */
export function roleGuard(...roles: Role[]): CanActivateFn {
  return () => {
    const session = inject(AuthSession);
    if (!session.isSignedIn()) return inject(Router).createUrlTree(['/login']);
    return session.hasRole(roles) ? true : inject(Router).createUrlTree(['/cases']);
  };
}
