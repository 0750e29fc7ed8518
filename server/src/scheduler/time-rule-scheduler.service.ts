import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { EventEmitter2, OnEvent } from '@nestjs/event-emitter';
import { nextRun, scheduleCron, type ScheduledJob } from '../common/cron-schedule';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { TransactionRunner } from '../database/unit-of-work';
import { RuleRepository, type TimeRuleRow } from '../workflows/rules/rule.repository';
import { RULES_CHANGED } from '../workflows/rules/rule-set.cache';
import { TICK_ENQUEUED } from './tick-processor.service';
import { TickRepository } from './tick.repository';

/** How often a process checks whether another process changed the rules. */
const RESYNC_MS = 3000;

const scheduleOf = (rule: TimeRuleRow) => `${rule.cron}@${rule.time_zone}`;

/**
 * Keeps one cron job per enabled TIME_BASED rule in this process. A job only
 * enqueues a tick row (unique per rule and scheduled time, so several
 * processes firing together enqueue it once); TickProcessor does the work.
 */
@Injectable()
export class TimeRuleScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Scheduler');
  /** Per rule: its timer and the schedule (cron + zone) the timer was made for. */
  private readonly registered = new Map<string, { job: ScheduledJob; schedule: string }>();
  private lastVersion = -1;
  private poller: NodeJS.Timeout | undefined;
  private syncing: Promise<void> = Promise.resolve();

  constructor(
    private readonly tx: TransactionRunner,
    private readonly rules: RuleRepository,
    private readonly ticks: TickRepository,
    private readonly emitter: EventEmitter2,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.scheduler) return;
    await this.sync(true);
    this.poller = setInterval(() => void this.resyncIfChanged(), RESYNC_MS);
    this.poller.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.poller);
    for (const ruleId of [...this.registered.keys()]) this.unregister(ruleId);
  }

  @OnEvent(RULES_CHANGED)
  onRulesChanged(): void {
    if (!this.config.scheduler) return;
    void this.resyncIfChanged(true);
  }

  private async resyncIfChanged(force = false): Promise<void> {
    try {
      const version = await this.rules.ruleSetVersion();
      if (!force && version === this.lastVersion) return;
      this.lastVersion = version;
      await this.sync(false);
    } catch (error) {
      this.logger.warn(`could not refresh schedules: ${(error as Error).message}`);
    }
  }

  /** Registers, replaces or removes jobs to match the enabled TIME_BASED rules. */
  sync(atStartup: boolean): Promise<void> {
    this.syncing = this.syncing.then(async () => {
      const rules = await this.rules.enabledTimeRules();
      const wanted = new Map(rules.map((r) => [r.id, r]));
      for (const ruleId of [...this.registered.keys()]) {
        const rule = wanted.get(ruleId);
        if (!rule || scheduleOf(rule) !== this.registered.get(ruleId)?.schedule) this.unregister(ruleId);
      }
      for (const rule of rules) {
        if (!this.registered.has(rule.id)) this.register(rule);
        if (atStartup) await this.catchUp(rule);
      }
    });
    return this.syncing;
  }

  private register(rule: TimeRuleRow): void {
    const job = scheduleCron(rule.cron, rule.time_zone, () => {
      // The nominal time of this firing, the same in every process: the next slot after "1.5 s ago".
      const scheduledFor = nextRun(rule.cron, rule.time_zone, new Date(Date.now() - 1500));
      if (scheduledFor) void this.enqueue(rule.id, scheduledFor, false);
    });
    this.registered.set(rule.id, { job, schedule: scheduleOf(rule) });
  }

  private unregister(ruleId: string): void {
    this.registered.get(ruleId)?.job.stop();
    this.registered.delete(ruleId);
  }

  /** After downtime: if at least one firing was missed, enqueue ONE catch-up tick, not one per missed firing. */
  private async catchUp(rule: TimeRuleRow): Promise<void> {
    const since = rule.last_tick_at ?? rule.created_at;
    const missed = nextRun(rule.cron, rule.time_zone, new Date(since));
    if (missed && missed.getTime() < Date.now() - 1000) {
      this.logger.log(`rule "${rule.name}" missed its schedule since ${new Date(since).toISOString()}: catching up once`);
      await this.enqueue(rule.id, missed, true);
    }
  }

  async enqueue(ruleId: string, scheduledFor: Date, catchUp: boolean): Promise<void> {
    try {
      await this.tx.run(async (uow) => {
        await this.ticks.enqueue(uow, ruleId, scheduledFor, catchUp);
        await this.rules.recordTick(uow, ruleId, catchUp ? new Date() : scheduledFor);
      });
      this.emitter.emit(TICK_ENQUEUED, { ruleId });
    } catch (error) {
      this.logger.warn(`could not enqueue a tick for rule ${ruleId}: ${(error as Error).message}`);
    }
  }
}
