import { JsonPipe } from '@angular/common';
import { DateTimePipe } from '../core/date-time.pipe';
import { DisplaySettings } from '../core/display-settings';
import { HttpClient } from '@angular/common/http';
import { ChangeDetectionStrategy, Component, DestroyRef, OnInit, inject } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { NonNullableFormBuilder, ReactiveFormsModule } from '@angular/forms';
import { RouterLink } from '@angular/router';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatPaginatorModule, type PageEvent } from '@angular/material/paginator';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSelectModule } from '@angular/material/select';
import { MatTableModule } from '@angular/material/table';
import { debounceTime } from 'rxjs';
import type { AuditEntry, ListResult } from '../../../../contracts/api';
import { API_BASE } from '../core/api-models';
import { PagedQuery } from '../core/paged-query';
import { TotalIsLowerBound } from '../core/lower-bound-total';
import { UsersDirectory } from '../core/users-directory';
import { AUDIT_ACTIONS, EMPTY_AUDIT_FILTER, auditQueryParams, targetLink, type AuditFilter } from './audit-filters';

/** The audit log (ADMIN): who did what to whom, newest first. */
@Component({
  selector: 'app-audit-page',
  imports: [DateTimePipe, JsonPipe, ReactiveFormsModule, RouterLink, MatButtonModule, MatFormFieldModule, MatInputModule, MatPaginatorModule, MatProgressBarModule, MatSelectModule, MatTableModule, TotalIsLowerBound],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './audit.page.html',
  styles: `table { width: 100%; } .detail { font-family: monospace; font-size: 12px; white-space: pre-wrap; word-break: break-word; max-width: 420px; }
    .problem { color: var(--mat-sys-error); } .wide { min-width: 260px; }`,
})
export class AuditPage implements OnInit {
  private readonly http = inject(HttpClient);
  /** Day filters are days in the zone the user reads times in. */
  private readonly display = inject(DisplaySettings);
  private readonly destroyRef = inject(DestroyRef);
  protected readonly users = inject(UsersDirectory);
  protected readonly actions = AUDIT_ACTIONS;
  protected readonly columns = ['at', 'actor', 'action', 'target', 'detail', 'address'];
  protected readonly query = new PagedQuery<AuditEntry>();
  protected readonly filters = inject(NonNullableFormBuilder).group({ ...EMPTY_AUDIT_FILTER });
  protected readonly targetLink = targetLink;

  ngOnInit(): void {
    this.users.ensureLoaded();
    this.load();
    this.filters.valueChanges.pipe(debounceTime(300), takeUntilDestroyed(this.destroyRef)).subscribe(() => {
      this.query.pageIndex.set(0);
      this.load();
    });
  }

  protected load(): void {
    const filter: AuditFilter = this.filters.getRawValue();
    this.query.run((window) => this.http.get<ListResult<AuditEntry>>(`${API_BASE}/audit-log`, { params: auditQueryParams(filter, window, this.display.timeZone()) }));
  }

  protected page(event: PageEvent): void {
    this.query.moveTo(event);
    this.load();
  }

  protected clear(): void {
    this.filters.setValue({ ...EMPTY_AUDIT_FILTER });
  }
}
