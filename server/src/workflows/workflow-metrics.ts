import { Injectable } from '@nestjs/common';

const BUCKETS_MS = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500];

/** In-process counters behind /metrics. */
@Injectable()
export class WorkflowMetrics {
  readonly runs = new Map<string, number>();
  readonly actionDurations = new Map<string, { buckets: number[]; sum: number; count: number }>();
  readonly actionFailures = new Map<string, number>();

  observeRun(outcome: string): void {
    this.runs.set(outcome, (this.runs.get(outcome) ?? 0) + 1);
  }

  observeAction(actionType: string, success: boolean, ms: number): void {
    let h = this.actionDurations.get(actionType);
    if (!h) this.actionDurations.set(actionType, (h = { buckets: BUCKETS_MS.map(() => 0), sum: 0, count: 0 }));
    BUCKETS_MS.forEach((le, i) => { if (ms <= le) h!.buckets[i]++; });
    h.sum += ms;
    h.count++;
    if (!success) this.actionFailures.set(actionType, (this.actionFailures.get(actionType) ?? 0) + 1);
  }

  static readonly buckets = BUCKETS_MS;
}
