import { ChangeDetectionStrategy, Component, effect, inject, input, signal } from '@angular/core';
import { RouterLink } from '@angular/router';
import { Location } from '@angular/common';
import { DateTimePipe } from '../core/date-time.pipe';
import { MatButtonModule } from '@angular/material/button';
import { MatIconModule } from '@angular/material/icon';
import { MatListModule } from '@angular/material/list';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { errorText } from '../core/api-errors';
import { EnumLabelPipe } from '../core/enum-label.pipe';
import { WorkflowsApi } from './workflows-api';
import { TraceEntry, TraceOutcome, WorkflowEvent } from './workflow.models';

const OUTCOME_HELP: Record<TraceOutcome, string> = {
  RAN: 'The rule matched and ran.',
  NOT_MATCHED: 'The rule’s trigger or conditions did not match.',
  DISABLED: 'The rule was disabled.',
  OUT_OF_SCOPE: 'The case’s scope or type is outside the rule’s scope.',
  COOLDOWN: 'The rule ran for this case recently (cooldown).',
  MAX_DEPTH: 'Too many chained automations: events deeper than 3 run no rules.',
  STOPPED_BY_PRIORITY: 'An earlier rule matched and stopped later rules.',
};

/** GET /workflows/events/:id/trace — for each rule, whether it ran for this event and why (not). */
@Component({
  selector: 'app-event-trace-page',
  imports: [DateTimePipe, RouterLink, MatButtonModule, MatIconModule, MatListModule, MatProgressBarModule, EnumLabelPipe],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <section class="page">
      <button mat-button type="button" (click)="back()" class="back"><mat-icon svgIcon="arrow_back" />Back</button>
      <header class="page-header">
        <h1>Why did it (not) run?</h1>
      </header>
      @if (event(); as e) {
        <p class="event-line" data-testid="trace-event">
          <span class="mono">{{ e.name }}</span>
          · <a [routerLink]="['/cases', e.caseId]">the case</a>
          · {{ e.createdAt | dateTime: 'medium' }}
          · depth {{ e.depth }}
          @if (!e.processedAt) { · <span class="pill pill-HIGH">not processed yet</span> }
        </p>
      } @else {
        <p class="muted mono">event {{ eventId() }}</p>
      }
      @if (loading()) { <mat-progress-bar mode="indeterminate" aria-label="Loading trace" /> }
      @if (error(); as message) { <div class="form-error-box" role="alert">{{ message }}</div> }

      <ol class="trace" aria-label="Rules evaluated for this event" data-testid="trace-list">
        @for (entry of entries(); track entry.ruleId) {
          <li class="trace-entry" data-testid="trace-entry" [attr.data-outcome]="entry.outcome">
            <div class="trace-head">
              <a [routerLink]="['/workflows/rules', entry.ruleId]" class="rule-name">{{ entry.ruleName }}</a>
              <span class="pill {{ pillClass(entry.outcome) }}" data-testid="trace-outcome">{{ entry.outcome | enumLabel }}</span>
              <span class="muted small">{{ help(entry.outcome) }}</span>
            </div>
            @if (entry.reasons.length) {
              <ul class="reasons">
                @for (reason of entry.reasons; track $index) { <li>{{ reason }}</li> }
              </ul>
            }
          </li>
        } @empty {
          @if (!loading() && !error()) {
            <li class="empty-state"><mat-icon aria-hidden="true" svgIcon="rule" /><p>No rules existed when this event happened.</p></li>
          }
        }
      </ol>
    </section>
  `,
  styles: `
    .back { margin-left: -8px; }
    .event-line { margin: -8px 0 16px; }
    .trace { list-style: none; padding: 0; margin: 0; display: flex; flex-direction: column; gap: 8px; }
    .trace-entry { border: 1px solid var(--mat-sys-outline-variant); border-radius: 10px; padding: 10px 16px; background: var(--mat-sys-surface); }
    .trace-head { display: flex; flex-wrap: wrap; align-items: center; gap: 8px 12px; }
    .rule-name { font-weight: 600; text-decoration: none; }
    .reasons { margin: 8px 0 0; padding-left: 20px; }
    .reasons li { margin: 2px 0; }
    .small { font-size: 12px; }
  `,
})
export class EventTracePage {
  private readonly api = inject(WorkflowsApi);
  private readonly location = inject(Location);

  /** Route parameter :eventId. */
  readonly eventId = input.required<string>();

  protected readonly entries = signal<TraceEntry[]>([]);
  protected readonly event = signal<WorkflowEvent | null>(null);
  protected readonly loading = signal(false);
  protected readonly error = signal<string | null>(null);

  constructor() {
    effect((onCleanup) => {
      const id = this.eventId();
      this.loading.set(true);
      this.error.set(null);
      const sub = this.api.trace(id).subscribe({
        next: (trace) => {
          this.entries.set(trace.items);
          this.event.set(trace.event);
          this.loading.set(false);
        },
        error: (err: unknown) => {
          this.loading.set(false);
          this.error.set(errorText(err));
        },
      });
      onCleanup(() => sub.unsubscribe());
    });
  }

  protected help(outcome: TraceOutcome): string {
    return OUTCOME_HELP[outcome] ?? '';
  }

  protected pillClass(outcome: TraceOutcome): string {
    if (outcome === 'RAN') return 'pill-success';
    if (outcome === 'NOT_MATCHED' || outcome === 'DISABLED' || outcome === 'OUT_OF_SCOPE') return 'pill-skipped';
    return 'pill-HIGH';
  }

  protected back(): void {
    this.location.back();
  }
}
