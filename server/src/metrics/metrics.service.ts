import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { AggregatorRegistry, collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { answerMetricsCollection, collectClusterMetrics, inCluster } from '../cluster/metrics-relay';
import { MAX_PREPARED_STATEMENTS, preparedStatementCount } from '../database/prepared-statements';
import { EmailService } from '../email/email.service';
import { EventsService } from '../events/events.service';
import { OutboxDispatcher } from '../events/outbox-dispatcher.service';
import { SocketOutlet } from '../realtime/socket-outlet';
import { WorkflowMetrics } from '../workflows/workflow-metrics';

export interface OutboxState { pending: number; lagSeconds: number }

/** Seconds from an event's commit to its processing: milliseconds when idle, seconds under a backlog. */
const LAG_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];
const HTTP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * The Prometheus series of this app instance: Node's process metrics (event-loop lag, heap, GC), the
 * engine's (WorkflowMetrics), the outbox's and the HTTP layer's. One registry per instance, so several
 * apps in one process (tests) never share or double-register a series.
 */
@Injectable()
export class MetricsService implements OnModuleDestroy {
  private readonly registry = new Registry();
  private readonly httpDurations = new Histogram({
    name: 'acos_http_request_duration_seconds', help: 'HTTP requests by route pattern, method and status',
    labelNames: ['method', 'route', 'status'], buckets: HTTP_BUCKETS, registers: [this.registry],
  });
  private readonly outboxLag = new Histogram({
    name: 'acos_outbox_event_lag_seconds', help: 'Time from an event\'s commit to its processing by this process',
    buckets: LAG_BUCKETS, registers: [this.registry],
  });
  private readonly unsubscribe: () => void;

  constructor(
    private readonly events: EventsService,
    private readonly dispatcher: OutboxDispatcher,
    private readonly sockets: SocketOutlet,
    private readonly workflow: WorkflowMetrics,
    private readonly email: EmailService,
  ) {
    collectDefaultMetrics({ register: this.registry, eventLoopMonitoringPrecision: 20 });
    const registers = [this.registry];
    const stats = dispatcher.stats;
    // Counters the dispatcher keeps itself, read at scrape time.
    new Counter({ name: 'acos_events_processed_total', help: 'Domain events taken out of the outbox by this process', registers,
      collect() { this.reset(); this.inc(stats.processed); } });
    new Counter({ name: 'acos_events_failed_total', help: 'Event processing attempts that failed and will be retried or set aside', registers,
      collect() { this.reset(); this.inc(stats.failed); } });
    new Counter({ name: 'acos_events_dead_lettered_total', help: 'Events set aside by this process after their last failed attempt (dead letters)',
      registers, collect() { this.reset(); this.inc(stats.setAside); } });
    const outbox = () => this.outbox().catch(() => ({ pending: NaN, lagSeconds: NaN }));
    let reading: { at: number; state: Promise<OutboxState> } | undefined;
    // One backlog query per scrape for both gauges.
    const backlog = () => {
      if (!reading || Date.now() - reading.at > 1000) reading = { at: Date.now(), state: outbox() };
      return reading.state;
    };
    // Read from the shared database: under WEB_CONCURRENCY every worker reports the same value, so the aggregate is the maximum.
    new Gauge({ name: 'acos_outbox_pending', help: 'Committed events not yet processed (all processes)', registers, aggregator: 'max',
      async collect() { this.set((await backlog()).pending); } });
    new Gauge({ name: 'acos_outbox_lag_seconds', help: 'Age of the oldest unprocessed event (all processes)', registers, aggregator: 'max',
      async collect() { this.set((await backlog()).lagSeconds); } });
    new Gauge({ name: 'acos_dead_letters_open', help: 'Events set aside after their last attempt and neither retried nor dismissed (all processes)',
      registers, aggregator: 'max', async collect() { this.set(await events.countDeadLetters().catch(() => NaN)); } });
    new Gauge({ name: 'acos_sockets_connected', help: 'Socket.IO connections on this process', registers,
      collect() { this.set(sockets.connectedCount()); } });
    new Gauge({ name: 'acos_prepared_statements', help: `Distinct statements this process prepares server-side (at most ${MAX_PREPARED_STATEMENTS})`,
      registers, collect() { this.set(preparedStatementCount()); } });
    this.emailMetrics(registers);
    this.unsubscribe = dispatcher.onProcessed((event, ok) => {
      if (ok) this.outboxLag.observe(Math.max(0, Date.now() - Date.parse(event.occurredAt)) / 1000);
    });
  }

  /** The e-mail queue: mails by state and the oldest waiting one (all processes), and what this process's worker did. */
  private emailMetrics(registers: Registry[]): void {
    const email = this.email;
    const stats = email.workerStats;
    // Read from the shared database: the aggregate over WEB_CONCURRENCY workers is the maximum, not the sum.
    new Gauge({ name: 'acos_email_deliveries', help: 'Queued e-mails by status (all processes)', labelNames: ['status'], registers, aggregator: 'max',
      async collect() {
        this.reset();
        const summary = await email.summary().catch(() => null);
        if (summary) for (const [status, n] of Object.entries(summary.counts)) this.set({ status }, n);
      } });
    new Gauge({ name: 'acos_email_oldest_pending_seconds', help: 'Age of the oldest e-mail waiting to be sent (all processes; 0: none)', registers, aggregator: 'max',
      async collect() { this.set(await email.oldestPendingSeconds().catch(() => NaN)); } });
    new Counter({ name: 'acos_email_sent_total', help: 'E-mails the mail server accepted from this process', registers,
      collect() { this.reset(); this.inc(stats.sent); } });
    new Counter({ name: 'acos_email_failed_total', help: 'E-mails this process gave up on (FAILED) or left UNCERTAIN', registers,
      collect() { this.reset(); this.inc(stats.failed + stats.uncertain); } });
    new Counter({ name: 'acos_email_retries_total', help: 'E-mail attempts of this process that will be retried (server down or refusing with 4xx)', registers,
      collect() { this.reset(); this.inc(stats.retried); } });
  }

  onModuleDestroy(): void {
    this.unsubscribe();
    this.stopAnswering?.();
  }

  /** Under WEB_CONCURRENCY > 1: answers the supervisor with this worker's series. */
  private readonly stopAnswering = inCluster() ? answerMetricsCollection(() => this.merged().getMetricsAsJSON()) : undefined;

  private merged(): Registry {
    return Registry.merge([this.registry, this.workflow.registry]);
  }

  outbox(): Promise<OutboxState> {
    return this.events.backlog();
  }

  deadLettersOpen(): Promise<number> {
    return this.events.countDeadLetters();
  }

  observeHttp(method: string, route: string, status: number, seconds: number): void {
    this.httpDurations.observe({ method, route, status: String(status) }, seconds);
  }

  readonly contentType = this.registry.contentType;

  /** The text a scrape gets: this process's series, or under WEB_CONCURRENCY > 1 the aggregate of every worker's. */
  async render(): Promise<string> {
    const text = inCluster()
      ? await AggregatorRegistry.aggregate(await collectClusterMetrics()).metrics()
      : await this.merged().metrics();
    // prom-client writes a NaN sample (the event-loop lag before its first measurement) as "Nan"; the text
    // format spells it "NaN", which strict parsers require.
    return text.replace(/ Nan$/gm, ' NaN');
  }
}
