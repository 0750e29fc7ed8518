import { Injectable } from '@nestjs/common';
import { MAX_PREPARED_STATEMENTS, preparedStatementCount } from '../database/prepared-statements';
import { EventsService } from '../events/events.service';
import { OutboxDispatcher } from '../events/outbox-dispatcher.service';
import { SocketOutlet } from '../realtime/socket-outlet';
import { WorkflowMetrics } from '../workflows/workflow-metrics';

export interface OutboxState { pending: number; lagSeconds: number }

/** Prometheus text exposition of the engine's counters plus a few live readings. */
@Injectable()
export class MetricsService {
  constructor(
    private readonly events: EventsService,
    private readonly dispatcher: OutboxDispatcher,
    private readonly sockets: SocketOutlet,
    private readonly workflow: WorkflowMetrics,
  ) {}

  outbox(): Promise<OutboxState> {
    return this.events.backlog();
  }

  async render(): Promise<string> {
    const lines: string[] = [];
    const metric = (name: string, type: string, help: string, samples: Array<[string, number]>) => {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
      for (const [labels, value] of samples) lines.push(`${name}${labels} ${Number.isFinite(value) ? value : 0}`);
    };
    metric('acos_events_processed_total', 'counter', 'Domain events taken out of the outbox by this process', [['', this.dispatcher.stats.processed]]);
    metric('acos_events_failed_total', 'counter', 'Event processing attempts that failed and will be retried', [['', this.dispatcher.stats.failed]]);
    metric('acos_rule_runs_total', 'counter', 'Rule runs by outcome (RAN, FAILED, COOLDOWN, MAX_DEPTH)',
      [...this.workflow.runs.entries()].filter(([k]) => k !== 'EVENT').map(([outcome, n]) => [`{outcome="${outcome}"}`, n]));
    lines.push('# HELP acos_action_duration_ms How long workflow actions took', '# TYPE acos_action_duration_ms histogram');
    for (const [type, h] of this.workflow.actionDurations) {
      WorkflowMetrics.buckets.forEach((le, i) => lines.push(`acos_action_duration_ms_bucket{action_type="${type}",le="${le}"} ${h.buckets[i]}`));
      lines.push(`acos_action_duration_ms_bucket{action_type="${type}",le="+Inf"} ${h.count}`);
      lines.push(`acos_action_duration_ms_sum{action_type="${type}"} ${h.sum.toFixed(3)}`, `acos_action_duration_ms_count{action_type="${type}"} ${h.count}`);
    }
    metric('acos_action_failures_total', 'counter', 'Workflow actions that failed', [...this.workflow.actionFailures.entries()].map(([t, n]) => [`{action_type="${t}"}`, n]));
    const outbox = await this.outbox().catch(() => ({ pending: NaN, lagSeconds: NaN }));
    metric('acos_outbox_pending', 'gauge', 'Committed events not yet processed (all processes)', [['', outbox.pending]]);
    metric('acos_outbox_lag_seconds', 'gauge', 'Age of the oldest unprocessed event', [['', outbox.lagSeconds]]);
    metric('acos_sockets_connected', 'gauge', 'Socket.IO connections on this process', [['', this.sockets.connectedCount()]]);
    metric('acos_prepared_statements', 'gauge', `Distinct statements this process prepares server-side (at most ${MAX_PREPARED_STATEMENTS})`,
      [['', preparedStatementCount()]]);
    metric('process_resident_memory_bytes', 'gauge', 'Resident memory of this process', [['', process.memoryUsage().rss]]);
    return lines.join('\n') + '\n';
  }
}
