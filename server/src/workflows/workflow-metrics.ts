import { Injectable } from '@nestjs/common';
import { Counter, Histogram, Registry } from 'prom-client';

/** Seconds: from a tag added in a millisecond to a webhook that times out. */
const DURATION_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * The engine's instruments behind /metrics, in a registry of this app instance (tests boot several apps
 * in one process; each counts its own work). MetricsService exposes them with the process-wide series.
 */
@Injectable()
export class WorkflowMetrics {
  readonly registry = new Registry();
  private readonly eventsEvaluated = new Counter({
    name: 'acos_engine_events_evaluated_total', help: 'Domain events the workflow engine matched against the rules', registers: [this.registry],
  });
  private readonly runs = new Counter({
    name: 'acos_rule_runs_total', help: 'Rule runs by outcome (RAN, FAILED, COOLDOWN, MAX_DEPTH)', labelNames: ['outcome'], registers: [this.registry],
  });
  private readonly runDurations = new Histogram({
    name: 'acos_rule_run_duration_seconds', help: 'How long a rule run took, all its actions included (runs that did not run: not observed)',
    labelNames: ['outcome'], buckets: DURATION_BUCKETS, registers: [this.registry],
  });
  private readonly actionDurations = new Histogram({
    name: 'acos_action_duration_seconds', help: 'How long workflow actions took', labelNames: ['action_type'], buckets: DURATION_BUCKETS,
    registers: [this.registry],
  });
  private readonly actionFailures = new Counter({
    name: 'acos_action_failures_total', help: 'Workflow actions that failed', labelNames: ['action_type'], registers: [this.registry],
  });

  /** `EVENT`: one event evaluated; otherwise a rule run's outcome, with its duration when it ran. */
  observeRun(outcome: string, durationMs?: number): void {
    if (outcome === 'EVENT') {
      this.eventsEvaluated.inc();
      return;
    }
    this.runs.inc({ outcome });
    if (durationMs !== undefined && (outcome === 'RAN' || outcome === 'FAILED')) this.runDurations.observe({ outcome }, durationMs / 1000);
  }

  observeAction(actionType: string, success: boolean, ms: number): void {
    this.actionDurations.observe({ action_type: actionType }, ms / 1000);
    if (!success) this.actionFailures.inc({ action_type: actionType });
  }
}
