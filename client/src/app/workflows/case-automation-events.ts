import { ChangeDetectionStrategy, Component, inject, input } from '@angular/core';
import { DateTimePipe } from '../core/date-time.pipe';
import { RouterLink } from '@angular/router';
import { MatButtonModule } from '@angular/material/button';
import { MatIconModule } from '@angular/material/icon';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatTableModule } from '@angular/material/table';
import { reloadingList } from '../core/reloading-list';
import { WorkflowsApi } from './workflows-api';

/** Recent automation events of one case (ADMIN), each linking to "why did (not) a rule run". */
@Component({
  selector: 'app-case-automation-events',
  imports: [DateTimePipe, RouterLink, MatButtonModule, MatIconModule, MatProgressBarModule, MatTableModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @if (loading()) { <mat-progress-bar mode="indeterminate" aria-label="Loading events" /> }
    @if (events().length) {
      <table mat-table [dataSource]="events()" aria-label="Automation events" data-testid="case-events-table">
        <ng-container matColumnDef="createdAt">
          <th mat-header-cell *matHeaderCellDef>Time</th>
          <td mat-cell *matCellDef="let e">{{ e.createdAt | dateTime: 'medium' }}</td>
        </ng-container>
        <ng-container matColumnDef="name">
          <th mat-header-cell *matHeaderCellDef>Event</th>
          <td mat-cell *matCellDef="let e" class="mono">{{ e.name }}</td>
        </ng-container>
        <ng-container matColumnDef="depth">
          <th mat-header-cell *matHeaderCellDef>Depth</th>
          <td mat-cell *matCellDef="let e">{{ e.depth }}</td>
        </ng-container>
        <ng-container matColumnDef="processed">
          <th mat-header-cell *matHeaderCellDef>Processed</th>
          <td mat-cell *matCellDef="let e">
            @if (e.processedAt) { {{ e.processedAt | dateTime: 'time' }} } @else { <span class="pill pill-HIGH">pending</span> }
          </td>
        </ng-container>
        <ng-container matColumnDef="why">
          <th mat-header-cell *matHeaderCellDef><span class="visually-hidden">Trace</span></th>
          <td mat-cell *matCellDef="let e">
            <a mat-button [routerLink]="['/workflows/events', e.id, 'trace']" data-testid="case-event-why">Why?</a>
          </td>
        </ng-container>
        <tr mat-header-row *matHeaderRowDef="columns"></tr>
        <tr mat-row *matRowDef="let row; columns: columns" data-testid="case-event-row"></tr>
      </table>
    } @else if (!loading()) {
      <div class="empty-state" data-testid="case-events-empty">
        <mat-icon aria-hidden="true" svgIcon="bolt" />
        <p>No automation events for this case yet.</p>
      </div>
    }
  `,
})
export class CaseAutomationEvents {
  private readonly api = inject(WorkflowsApi);

  readonly caseId = input.required<string>();
  readonly refreshKey = input(0);

  protected readonly columns = ['createdAt', 'name', 'depth', 'processed', 'why'];
  private readonly list = reloadingList(() => {
    this.refreshKey();
    return this.api.events(this.caseId());
  });
  protected readonly events = this.list.items;
  protected readonly loading = this.list.loading;
}
