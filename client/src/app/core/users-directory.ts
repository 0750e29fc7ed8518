import { HttpClient } from '@angular/common/http';
import { Injectable, computed, inject, signal } from '@angular/core';
import type { ListResult, UserSummary, UserView } from '../../../../contracts/api';
import { API_BASE } from './api-models';

/**
 * One entry of GET /users: admins get the full `user`, everyone else `{id, name, role}` of active users only
 * (no e-mails). What only admins see is optional here, so callers must not take its absence for "inactive".
 */
export type DirectoryUser = UserSummary & Partial<Pick<UserView, 'email' | 'isActive'>>;

/** The user list (GET /users) for pickers and for showing names instead of ids. Loaded once, on demand. */
@Injectable({ providedIn: 'root' })
export class UsersDirectory {
  private readonly http = inject(HttpClient);
  private readonly loaded = signal<DirectoryUser[] | null>(null);
  private requested = false;

  readonly users = computed(() => this.loaded() ?? []);
  readonly activeUsers = computed(() => this.users().filter((user) => user.isActive !== false));
  private readonly byId = computed(() => new Map(this.users().map((user) => [user.id, user])));

  /** Starts loading (once); call from any component that shows users. */
  ensureLoaded(): void {
    if (this.requested) return;
    this.requested = true;
    this.http.get<ListResult<DirectoryUser> | DirectoryUser[]>(`${API_BASE}/users`, { params: { limit: 200 } }).subscribe({
      next: (res) => this.loaded.set(Array.isArray(res) ? res : res.items),
      error: () => (this.requested = false),
    });
  }

  reload(): void {
    this.requested = false;
    this.ensureLoaded();
  }

  nameOf(id: string | null | undefined): string {
    if (!id) return '';
    return this.byId().get(id)?.name ?? `${id.slice(0, 8)}…`;
  }

  find(id: string | null | undefined): DirectoryUser | undefined {
    return id ? this.byId().get(id) : undefined;
  }
}
