import { Injectable, computed, signal } from '@angular/core';
import type { UserView } from '../../../../contracts/api';
import type { Role } from '../../../../contracts/enums';

interface StoredSession {
  accessToken: string;
  user: UserView;
}

const STORAGE_KEY = 'auditcaseos.session';

/** Who is signed in. Kept in sessionStorage so a reload keeps the tab signed in, a new tab does not. */
@Injectable({ providedIn: 'root' })
export class AuthSession {
  private readonly session = signal<StoredSession | null>(readStoredSession());

  readonly token = computed(() => this.session()?.accessToken ?? null);
  readonly user = computed(() => this.session()?.user ?? null);
  readonly role = computed(() => this.session()?.user.role ?? null);
  readonly isSignedIn = computed(() => this.session() !== null);
  readonly isAdmin = computed(() => this.role() === 'ADMIN');
  /** ADMIN and INVESTIGATOR may change cases; VIEWER reads only. */
  readonly canEditCases = computed(() => this.role() === 'ADMIN' || this.role() === 'INVESTIGATOR');

  hasRole(roles: readonly Role[]): boolean {
    const role = this.role();
    return role !== null && roles.includes(role);
  }

  start(accessToken: string, user: UserView): void {
    this.write({ accessToken, user });
  }

  updateUser(user: UserView): void {
    const current = this.session();
    if (current) this.write({ ...current, user });
  }

  clear(): void {
    sessionStorage.removeItem(STORAGE_KEY);
    this.session.set(null);
  }

  private write(value: StoredSession): void {
    sessionStorage.setItem(STORAGE_KEY, JSON.stringify(value));
    this.session.set(value);
  }
}

function readStoredSession(): StoredSession | null {
  try {
    const raw = sessionStorage.getItem(STORAGE_KEY);
    if (!raw) return null;
    const parsed = JSON.parse(raw) as Partial<StoredSession>;
    return parsed.accessToken && parsed.user ? (parsed as StoredSession) : null;
  } catch {
    return null;
  }
}
