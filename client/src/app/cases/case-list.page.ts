import { ChangeDetectionStrategy, Component, DestroyRef, OnInit, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { DateTimePipe } from '../core/date-time.pipe';
import { NonNullableFormBuilder, ReactiveFormsModule } from '@angular/forms';
import { Router, RouterLink } from '@angular/router';
import { MatButtonModule } from '@angular/material/button';
import { MatCardModule } from '@angular/material/card';
import { MatChipsModule } from '@angular/material/chips';
import { MatDialog } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatInputModule } from '@angular/material/input';
import { MatPaginatorModule, PageEvent } from '@angular/material/paginator';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSelectModule } from '@angular/material/select';
import { MatTableModule } from '@angular/material/table';
import { MatTooltipModule } from '@angular/material/tooltip';
import { Subject, debounceTime } from 'rxjs';
import { AuthSession } from '../auth/auth-session';
import { CASE_STATUSES, CASE_TYPES } from '../../../../contracts/enums';
import { EnumLabelPipe } from '../core/enum-label.pipe';
import { PagedQuery } from '../core/paged-query';
import { TotalIsLowerBound } from '../core/lower-bound-total';
import { LiveSocket } from '../core/live-socket';
import { PhoneLayout } from '../core/phone-layout';
import { UsersDirectory } from '../core/users-directory';
import { CasesApi } from './cases-api';
import type { CaseView } from '../../../../contracts/api';
import { CaseFilters } from './case-filters';
import { NewCaseDialog, SCOPE_CODE_PATTERN } from './new-case.dialog';

@Component({
  selector: 'app-case-list-page',
  imports: [
    DateTimePipe,
    ReactiveFormsModule,
    RouterLink,
    MatButtonModule,
    MatCardModule,
    MatChipsModule,
    MatFormFieldModule,
    MatIconModule,
    MatInputModule,
    MatPaginatorModule,
    TotalIsLowerBound,
    MatProgressBarModule,
    MatSelectModule,
    MatTableModule,
    MatTooltipModule,
    EnumLabelPipe,
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './case-list.page.html',
  styleUrl: './case-list.page.scss',
})
export class CaseListPage implements OnInit {
  private readonly api = inject(CasesApi);
  private readonly socket = inject(LiveSocket);
  private readonly dialog = inject(MatDialog);
  private readonly router = inject(Router);
  private readonly destroyRef = inject(DestroyRef);
  protected readonly session = inject(AuthSession);
  protected readonly users = inject(UsersDirectory);
  /** On a phone the list is a column of cards: a table would scroll sideways and hide status and assignee. */
  protected readonly isPhone = inject(PhoneLayout).isPhone;
  /** On a phone only the search shows until the other filters are asked for. */
  protected readonly showMoreFilters = signal(false);

  protected readonly statuses = CASE_STATUSES;
  protected readonly caseTypes = CASE_TYPES;
  protected readonly columns = ['caseNumber', 'title', 'status', 'severity', 'caseType', 'assignee', 'tags', 'updatedAt'];

  protected readonly filters = inject(NonNullableFormBuilder).group({
    status: [''],
    caseType: [''],
    scopeCode: [''],
    tag: [''],
    q: [''],
  });

  private readonly list = new PagedQuery<CaseView>();
  protected readonly cases = this.list.items;
  protected readonly total = this.list.total;
  protected readonly totalIsLowerBound = this.list.totalIsLowerBound;
  protected readonly loading = this.list.loading;
  protected readonly loadFailed = this.list.loadFailed;
  protected readonly pageIndex = this.list.pageIndex;
  protected readonly pageSize = this.list.pageSize;

  private readonly liveReload = new Subject<void>();

  ngOnInit(): void {
    this.users.ensureLoaded();
    this.filters.valueChanges.pipe(debounceTime(300), takeUntilDestroyed(this.destroyRef)).subscribe(() => {
      this.pageIndex.set(0);
      this.load();
    });
    this.socket
      .on('case:updated')
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe((updated) => this.applyLiveUpdate(updated));
    this.liveReload.pipe(debounceTime(800), takeUntilDestroyed(this.destroyRef)).subscribe(() => this.load(true));
    this.load();
  }

  protected load(quiet = false): void {
    const raw = this.filters.getRawValue();
    const scopeCode = raw.scopeCode.trim().toUpperCase();
    const filters: CaseFilters = {
      ...raw,
      // The server refuses a partial scope code; filter only once it is a whole one.
      scopeCode: SCOPE_CODE_PATTERN.test(scopeCode) ? scopeCode : '',
    } as CaseFilters;
    this.list.run((page) => this.api.list(filters, page), quiet);
  }

  protected onPage(event: PageEvent): void {
    this.list.moveTo(event);
    this.load();
  }

  protected clearFilters(): void {
    this.filters.reset();
  }

  protected hasFilters(): boolean {
    return Object.values(this.filters.getRawValue()).some((v) => v.trim() !== '');
  }

  protected openCase(row: CaseView): void {
    void this.router.navigate(['/cases', row.id]);
  }

  protected newCase(): void {
    this.dialog
      .open(NewCaseDialog, { width: '640px', maxWidth: '95vw', autoFocus: 'first-tabbable' })
      .afterClosed()
      .subscribe((created: CaseView | undefined) => {
        if (created) void this.router.navigate(['/cases', created.id]);
      });
  }

  /** A case changed somewhere: replace it in place, or re-read the first page (it may now belong there). */
  private applyLiveUpdate(updated: CaseView): void {
    const rows = this.cases();
    if (rows.some((row) => row.id === updated.id)) {
      this.cases.set(rows.map((row) => (row.id === updated.id ? updated : row)));
    } else if (this.pageIndex() === 0) {
      this.liveReload.next();
    }
  }
}
