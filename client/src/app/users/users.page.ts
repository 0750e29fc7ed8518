import { DateTimePipe } from '../core/date-time.pipe';
import { ChangeDetectionStrategy, Component, DestroyRef, OnInit, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { NonNullableFormBuilder, ReactiveFormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatDialog } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatInputModule } from '@angular/material/input';
import { MatMenuModule } from '@angular/material/menu';
import { MatPaginatorModule, type PageEvent } from '@angular/material/paginator';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSelectModule } from '@angular/material/select';
import { MatSnackBar } from '@angular/material/snack-bar';
import { MatTableModule } from '@angular/material/table';
import { ActivatedRoute } from '@angular/router';
import { debounceTime } from 'rxjs';
import type { UserView } from '../../../../contracts/api';
import { ROLES } from '../../../../contracts/enums';
import { AuthSession } from '../auth/auth-session';
import { errorText } from '../core/api-errors';
import { confirmAction } from '../core/confirm-dialog';
import { PagedQuery } from '../core/paged-query';
import { TemporaryPasswordDialog } from './temporary-password.dialog';
import { UserEditDialog } from './user-edit.dialog';
import { UsersApi } from './users-api';
import { EMPTY_USERS_FILTER, filterChanged, knownScopeCodes, usersQueryParams, type UsersFilter } from './users-query';

/** People and access (ADMIN): find, create, change, deactivate and reset users. */
@Component({
  selector: 'app-users-page',
  imports: [
    DateTimePipe, ReactiveFormsModule, MatButtonModule, MatFormFieldModule, MatIconModule, MatInputModule, MatMenuModule,
    MatPaginatorModule, MatProgressBarModule, MatSelectModule, MatTableModule,
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './users.page.html',
  styleUrl: './users.page.scss',
})
export class UsersPage implements OnInit {
  private readonly api = inject(UsersApi);
  private readonly dialog = inject(MatDialog);
  private readonly snack = inject(MatSnackBar);
  private readonly destroyRef = inject(DestroyRef);
  protected readonly session = inject(AuthSession);

  protected readonly roles = ROLES;
  protected readonly columns = ['name', 'email', 'role', 'scopes', 'active', 'lastLogin', 'provider', 'actions'];
  protected readonly query = new PagedQuery<UserView>();
  private readonly route = inject(ActivatedRoute, { optional: true });
  protected readonly filters = inject(NonNullableFormBuilder).group({ q: [''], role: [''], isActive: [''] });
  private filter: UsersFilter = EMPTY_USERS_FILTER;
  private readonly caseScopes = signal<string[]>([]);

  ngOnInit(): void {
    // The audit page links here with ?q=<e-mail or name>.
    const q = this.route?.snapshot.queryParamMap.get('q') ?? '';
    if (q) {
      this.filters.patchValue({ q }, { emitEvent: false });
      this.filter = { ...EMPTY_USERS_FILTER, q };
    }
    this.load();
    this.api.caseScopeCodes().subscribe({ next: (codes) => this.caseScopes.set(codes), error: () => undefined });
    this.filters.valueChanges.pipe(debounceTime(250), takeUntilDestroyed(this.destroyRef)).subscribe((value) => {
      const next = { q: value.q ?? '', role: (value.role ?? '') as UsersFilter['role'], isActive: (value.isActive ?? '') as UsersFilter['isActive'] };
      if (!filterChanged(this.filter, next)) return;
      this.filter = next;
      this.query.pageIndex.set(0);
      this.load();
    });
  }

  protected load(): void {
    this.query.run((window) => this.api.list(usersQueryParams(this.filter, window)));
  }

  protected page(event: PageEvent): void {
    this.query.moveTo(event);
    this.load();
  }

  protected create(): void {
    this.openEditor(undefined);
  }

  protected edit(user: UserView): void {
    this.openEditor(user);
  }

  protected setActive(user: UserView, isActive: boolean): void {
    const message = isActive
      ? `${user.name} can sign in again, and automation may assign and notify them again.`
      : `${user.name} is signed out at once: their sessions and live connections end now. They cannot sign in, ` +
        'and automation stops assigning or notifying them. Nothing they did is removed; you can reactivate them later.';
    confirmAction(this.dialog, {
      title: isActive ? `Reactivate ${user.name}?` : `Deactivate ${user.name}?`,
      message, confirmLabel: isActive ? 'Reactivate' : 'Deactivate', destructive: !isActive,
    }).subscribe((ok) => {
      if (!ok) return;
      this.api.update(user.id, { isActive }).subscribe({
        next: (saved) => {
          this.snack.open(`${saved.name} ${saved.isActive ? 'reactivated' : 'deactivated'}`, 'OK', { duration: 4000 });
          this.load();
        },
        error: (err: unknown) => this.snack.open(errorText(err), 'OK', { duration: 8000 }),
      });
    });
  }

  protected resetPassword(user: UserView): void {
    confirmAction(this.dialog, {
      title: `Reset ${user.name}'s password?`,
      message: `Their current password stops working and their sessions end now. You will get a temporary password to give them; ` +
        'they must choose a new one at their next sign-in.',
      confirmLabel: 'Reset password', destructive: true,
    }).subscribe((ok) => {
      if (!ok) return;
      this.api.resetPassword(user.id).subscribe({
        next: ({ temporaryPassword }) => {
          this.dialog.open(TemporaryPasswordDialog, { data: { name: user.name, temporaryPassword }, width: '480px' });
          this.load();
        },
        error: (err: unknown) => this.snack.open(errorText(err), 'OK', { duration: 8000 }),
      });
    });
  }

  private openEditor(user: UserView | undefined): void {
    const knownScopeCodes_ = knownScopeCodes(this.caseScopes(), this.query.items().map((u) => u.scopeCodes));
    this.dialog.open(UserEditDialog, { data: { user, knownScopeCodes: knownScopeCodes_ }, width: '520px' })
      .afterClosed().subscribe((saved: UserView | undefined) => {
        if (!saved) return;
        this.snack.open(user ? `${saved.name} saved` : `${saved.name} created`, 'OK', { duration: 4000 });
        this.load();
      });
  }
}
