import { BadRequestException, Inject, Injectable } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { performance } from 'node:perf_hooks';
import { CasesService } from '../../cases/cases.service';
import type { AuthUser } from '../../common/auth-user';
import { DEFAULT_TIME_ZONE, nextRuns } from '../../common/cron-schedule';
import { APP_CONFIG, type AppConfig } from '../../config/app-config';
import { TransactionRunner, type UnitOfWork } from '../../database/unit-of-work';
import type { CaseEventMap, DomainEvent, EventName } from '../../events/event-map';
import { EventsService, type ReplayRow } from '../../events/events.service';
import { scopeAccessProblem } from '../../users/scope-access';
import { UsersService } from '../../users/users.service';
import type { BacktestResult } from '../../../../contracts/workflows';
import { ActionExecutor } from '../actions/action-executor';
import { rulePredicate, snapshotPrefilter } from '../conditions/condition-sql';
import type { BacktestDto } from '../dto/rule.dto';
import { RuleSetCache } from '../rules/rule-set.cache';
import { DRAFT_RULE_ID, RulesService } from '../rules/rules.service';
import { MAX_DEPTH, type Rule, type SendNotificationConfig } from '../rules/rule.types';
import { HistoryRepository } from '../history/history.repository';
import { BACKTEST_PROGRESS, type BacktestProgressEvent } from './backtest-progress';
import { firesOn, listenedEvents, toMatchable } from './rule-matcher';
import { forEvent } from './run-request';

/** Events per keyset page. */
const PAGE = 5000;
/** Samples kept: the newest matching events, one per case. */
const SAMPLES = 10;
/** At most this often a progress event goes out. */
const PROGRESS_EVERY_MS = 200;
const DAY_MS = 86_400_000;

const EVENT_NOTES = [
  'Each recorded event is evaluated against the case as it was when the event happened, with the engine\'s own matcher (trigger, conditions, scope and case types).',
  'The rule\'s own cooldown is simulated per case in event order (for a saved rule, from its recorded runs just before the window too); events its own actions would have caused are not known.',
  'Higher-priority rules with "stop processing" are today\'s rules, not the ones that were live then; other rules\' effects on the case are whatever the recorded events show.',
  'What the actions would have changed (status, tags, assignee) is not simulated: later events are replayed as they really happened.',
  'Recipients, assignees and webhooks are resolved as they are now (active users, their scopes, the administrators of today).',
];

/** Orders rules as the engine evaluates them: priority, then age, then id. */
function before(a: Pick<Rule, 'priority' | 'createdAt' | 'id'>, b: Pick<Rule, 'priority' | 'createdAt' | 'id'>): boolean {
  if (a.priority !== b.priority) return a.priority < b.priority;
  const ta = Date.parse(a.createdAt), tb = Date.parse(b.createdAt);
  if (ta !== tb) return ta < tb;
  return a.id < b.id;
}

const utcDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** The window's candidate events, a keyset page at a time. */
class ReplayStream {
  rows: ReplayRow[] = [];
  i = 0;
  done = false;
  constructor(private readonly fetch: (after?: ReplayRow) => Promise<ReplayRow[]>) {}

  /** The next row, fetching the next page when this one is used up; undefined at the end. */
  async head(): Promise<ReplayRow | undefined> {
    if (this.i < this.rows.length) return this.rows[this.i];
    if (this.done) return undefined;
    const last = this.rows[this.rows.length - 1];
    this.rows = await this.fetch(last);
    this.i = 0;
    if (this.rows.length < PAGE) this.done = true;
    return this.rows[0];
  }
}

/**
 * "What would this rule have done over the last N days": the recorded events (the outbox keeps each with the
 * case as it was, for TRACE_RETENTION_DAYS) replayed through the engine's matcher in one READ ONLY transaction.
 * Only the events the rule's trigger can fire on are read (name, scope, case type and statuses filtered in SQL),
 * a keyset page at a time; everything else is counted, not fetched. Recipients are resolved once at the end.
 */
@Injectable()
export class BacktestService {
  constructor(
    private readonly rules: RulesService,
    private readonly ruleSet: RuleSetCache,
    private readonly events: EventsService,
    private readonly cases: CasesService,
    private readonly users: UsersService,
    private readonly executor: ActionExecutor,
    private readonly tx: TransactionRunner,
    private readonly emitter: EventEmitter2,
    private readonly history: HistoryRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async run(user: AuthUser, dto: BacktestDto): Promise<BacktestResult> {
    const retention = this.config.traceRetentionDays;
    const problems: string[] = [];
    if (!!dto.rule === !!dto.ruleId) problems.push('give either rule (a rule body as for POST /rules) or ruleId (a saved rule), not both');
    if (!Number.isInteger(dto.days) || dto.days < 1 || dto.days > retention) {
      problems.push(`days must be a whole number from 1 to ${retention} (events are kept for ${retention} days, TRACE_RETENTION_DAYS)`);
    }
    if (problems.length) throw new BadRequestException(problems);
    const rule = dto.ruleId ? await this.rules.get(dto.ruleId) : await this.rules.draft(dto.rule!);
    const started = performance.now();
    const to = new Date();
    const from = new Date(to.getTime() - dto.days * DAY_MS);
    const result = await this.tx.runReadOnly((uow) => rule.triggerType === 'TIME_BASED'
      ? this.timeBased(uow, rule, from, to)
      : this.replay(uow, user, rule, from, to, dto.progressId));
    return { ...result, durationMs: Math.round(performance.now() - started) };
  }

  private emptyResult(from: Date, to: Date, notes: string[]): BacktestResult {
    return {
      eventsScanned: 0, eventsMatched: 0, casesAffected: 0, actionCounts: {}, notificationsByRecipient: [], perDay: [], samples: [], notes,
      skipped: { cooldown: 0, maxDepth: 0, stoppedByOtherRules: 0 }, from: from.toISOString(), to: to.toISOString(), durationMs: 0,
    };
  }

  /** TIME_BASED: the next five ticks in the rule's zone, and how many cases (as they are now) each would find. */
  private async timeBased(uow: UnitOfWork, rule: Rule, from: Date, to: Date): Promise<BacktestResult> {
    if (rule.triggerType !== 'TIME_BASED') throw new Error('not a TIME_BASED rule');
    const cfg = rule.triggerConfig;
    const zone = cfg.timeZone ?? DEFAULT_TIME_ZONE;
    const ticks = nextRuns(cfg.cron, zone, 5, to);
    const timeDependent = cfg.conditions.some((c) => c.op === 'olderThanHours' || c.op === 'withinHours');
    const nextRunsOut: NonNullable<BacktestResult['nextRuns']> = [];
    let once: number | undefined;
    for (const at of ticks) {
      const count = timeDependent || once === undefined ? await this.cases.countMatching(rulePredicate(rule, cfg.conditions, at, 0), uow) : once;
      once = count;
      nextRunsOut.push({ at: at.toISOString(), casesMatchingNow: count });
    }
    return {
      ...this.emptyResult(from, to, [
        `A TIME_BASED rule runs on its schedule "${cfg.cron}" (${zone}), not on events: these are its next ${ticks.length} ticks.`,
        'casesMatchingNow counts today\'s cases that satisfy the conditions, scopes and case types at each tick\'s time (the same SQL the scheduler runs); cases change before then.',
        'The scheduler acts on a case once until it stops matching, and skips cases in cooldown: cases it already acted on are counted here too.',
      ]),
      nextRuns: nextRunsOut,
    };
  }

  private async replay(uow: UnitOfWork, user: AuthUser, draft: Rule, from: Date, to: Date, progressId?: string): Promise<BacktestResult> {
    // A disabled or paused rule (a draft, a saved twin) is asked what it would have done had it been running.
    const rule: Rule = { ...draft, isEnabled: true, pausedAt: null };
    const names = listenedEvents(rule);
    const counts = await this.events.countByName(uow, from, to);
    const eventsScanned = [...counts.values()].reduce((a, b) => a + b, 0);
    const total = names.reduce((n, name) => n + (counts.get(name) ?? 0), 0);
    const stoppers = (await this.ruleSet.current(uow.manager))
      .filter((r) => r.isEnabled && !r.pausedAt && r.stopProcessing && r.id !== draft.id && r.triggerType !== 'TIME_BASED' && before(r, rule));

    const filter = {
      scopeCodes: rule.scopeCodes, caseTypes: rule.caseTypes,
      ...(rule.triggerType === 'STATUS_CHANGE' ? { fromStatus: rule.triggerConfig.fromStatus, toStatus: rule.triggerConfig.toStatus } : {}),
    };
    // Conditions whose SQL meaning is exact narrow the fetch too (for CONDITION rules: "matches after the change").
    const conditions = rule.triggerConfig.conditions;
    const match = rule.triggerType === 'CONDITION' ? rule.triggerConfig.match ?? 'ALL' : 'ALL';
    const predicate = (first: number) => snapshotPrefilter(conditions, match, `payload->'case'`, first);
    const stream = new ReplayStream((after) => this.events.replayPage(uow, {
      names: names.filter((name) => counts.get(name)), from, to, limit: PAGE, filter, predicate,
      after: after && { createdAt: after.created_at_text, seq: after.seq },
    }));

    const perDay = new Map<string, number>();
    for (let d = Date.parse(utcDate(from.getTime())); d <= to.getTime(); d += DAY_MS) perDay.set(utcDate(d), 0);
    const skipped = { cooldown: 0, maxDepth: 0, stoppedByOtherRules: 0 };
    const cooldownMs = rule.cooldownSeconds * 1000;
    // A saved rule's own runs just before the window still hold their cases' cooldown at its start.
    const lastRun = draft.id === DRAFT_RULE_ID ? new Map<string, number>() : await this.history.lastRunsBefore(uow, draft.id, from, rule.cooldownSeconds);
    const affected = new Set<string>();
    const samples = new Map<string, { eventId: string; name: EventName; at: number }>();
    const notify = rule.actions.filter((a) => a.actionType === 'SEND_NOTIFICATION').map((a) => a.actionConfig as SendNotificationConfig);
    const admins = notify.some((n) => n.recipients.includes('ADMINS')) ? await this.users.activeAdminIds(uow) : [];
    /** Notifications per action, case scope and recipient (users and their scope access are checked once, at the end). */
    const notified = new Map<string, number>();
    let matched = 0, runs = 0, lastProgress = 0, position = from.getTime();

    const progress = (finished: boolean) => {
      if (!progressId) return;
      const now = performance.now();
      if (!finished && now - lastProgress < PROGRESS_EVERY_MS) return;
      lastProgress = now;
      // Pages skip what the SQL filters leave out, so "done" is the share of the window replayed, in events.
      const share = Math.min(1, Math.max(0, (position - from.getTime()) / (to.getTime() - from.getTime())));
      const event: BacktestProgressEvent = { userId: user.id, progress: { progressId, done: finished ? total : Math.floor(share * total), total, finished } };
      this.emitter.emit(BACKTEST_PROGRESS, event);
    };
    progress(false);

    const evaluate = (name: EventName, row: ReplayRow) => {
      const payload = { case: row.c } as CaseEventMap[EventName] & Record<string, unknown>;
      if (row.previous) payload.previous = row.previous;
      if (row.from_status) { payload.fromStatus = row.from_status; payload.toStatus = row.to_status; }
      const event = toMatchable({ name, payload, occurredAt: new Date(row.at_ms).toISOString() });
      if (!firesOn(rule, event)) return;
      const limited = row.depth <= MAX_DEPTH;
      if (limited && stoppers.some((s) => firesOn(s, event))) { skipped.stoppedByOtherRules++; return; }
      matched++;
      const day = utcDate(row.at_ms);
      perDay.set(day, (perDay.get(day) ?? 0) + 1);
      if (!limited) { skipped.maxDepth++; return; }
      const last = lastRun.get(row.case_id);
      if (cooldownMs > 0 && last !== undefined && row.at_ms - last < cooldownMs) { skipped.cooldown++; return; }
      lastRun.set(row.case_id, row.at_ms);
      runs++;
      affected.add(row.case_id);
      samples.delete(row.case_id);
      samples.set(row.case_id, { eventId: row.id, name, at: row.at_ms });
      if (samples.size > SAMPLES) samples.delete(samples.keys().next().value!);
      const c = row.c;
      for (const [k, n] of notify.entries()) {
        const ids = new Set<string>();
        for (const r of n.recipients) {
          if (r === 'ASSIGNEE') { if (c.assigneeId) ids.add(c.assigneeId); }
          else if (r === 'OWNER') { if (c.ownerId) ids.add(c.ownerId); }
          else if (r === 'ADMINS') for (const id of admins) ids.add(id);
          else ids.add(r);
        }
        for (const id of ids) {
          const key = `${k}|${c.scopeCode}|${id}`;
          notified.set(key, (notified.get(key) ?? 0) + 1);
        }
      }
    };

    // In (created_at, seq) order: the order the engine processed them in.
    if (total) {
      await this.events.preferOrderedScans(uow);
      for (let row = await stream.head(); row; row = await stream.head()) {
        stream.i++;
        position = row.at_ms;
        evaluate(row.name, row);
        if (stream.i === stream.rows.length) progress(false);
      }
    }

    const notes = [...EVENT_NOTES];
    const actionCounts: BacktestResult['actionCounts'] = {};
    for (const a of rule.actions) actionCounts[a.actionType] = (actionCounts[a.actionType] ?? 0) + runs;
    const result: BacktestResult = {
      ...this.emptyResult(from, to, notes),
      eventsScanned, eventsMatched: matched, casesAffected: affected.size, actionCounts,
      notificationsByRecipient: await this.recipients(uow, notify, notified, notes),
      perDay: [...perDay].map(([date, n]) => ({ date, matched: n })),
      samples: await this.describeSamples(uow, rule, [...samples.values()]),
      skipped,
    };
    if (!draft.isEnabled) result.notes.push('The rule is disabled: this is what it would have done had it been enabled.');
    if (draft.pausedAt) result.notes.push(`The rule is paused (${draft.pausedReason ?? 'by the circuit breaker'}): this is what it would have done had it been running.`);
    if (stoppers.length) result.notes.push(`${skipped.stoppedByOtherRules} matching event(s) were left out because one of ${stoppers.length} higher-priority "stop processing" rule(s) matched them first.`);
    if (rule.triggerType === 'CONDITION') result.notes.push('A CONDITION rule fires on the edge from not matching to matching; "before" is taken from what each event recorded about the change.');
    progress(true);
    return result;
  }

  /**
   * One query for every recipient, then the executor's rules as of now: an active user who may see the case's
   * scope is notified; one who may not is skipped; a user named in the action who no longer exists, is
   * deactivated or may not see the scope fails the whole action (nobody of it is notified), as a run would.
   */
  private async recipients(
    uow: UnitOfWork, notify: SendNotificationConfig[], notified: Map<string, number>, notes: string[],
  ): Promise<BacktestResult['notificationsByRecipient']> {
    if (!notified.size) return [];
    const keys = [...notified.keys()].map((key) => { const [k, scope, id] = key.split('|'); return { key, k: Number(k), scope, id }; });
    const named = notify.flatMap((n) => n.recipients.filter((r) => !['ASSIGNEE', 'OWNER', 'ADMINS'].includes(r)));
    const ids = [...new Set([...keys.map((x) => x.id), ...named])].filter((id) => /^[0-9a-f-]{36}$/i.test(id));
    const users = new Map((await this.users.findManyByIds(ids, uow)).map((u) => [u.id, u]));
    const failing = new Map<string, string>();
    const fails = (k: number, scope: string): string | undefined => {
      const at = `${k}|${scope}`;
      if (!failing.has(at)) {
        const broken = notify[k].recipients.filter((r) => !['ASSIGNEE', 'OWNER', 'ADMINS'].includes(r))
          .find((id) => scopeAccessProblem(users.get(id), scope));
        failing.set(at, broken ? `${users.get(broken)?.name ?? broken} (${scopeAccessProblem(users.get(broken), scope)})` : '');
      }
      return failing.get(at) || undefined;
    };
    const totals = new Map<string, number>();
    for (const { key, k, scope, id } of keys) {
      if (fails(k, scope)) continue;
      const u = users.get(id);
      if (!u || scopeAccessProblem(u, scope)) continue;
      totals.set(id, (totals.get(id) ?? 0) + notified.get(key)!);
    }
    const broken = [...failing].filter(([, why]) => why);
    if (broken.length) {
      notes.push(`Some notifications would fail as the recipients are today, notifying nobody: ${[...new Set(broken.map(([at, why]) => `${why} for scope ${at.split('|')[1]}`))].join('; ')}.`);
    }
    return [...totals].map(([userId, count]) => ({ userId, name: users.get(userId)!.name, count }))
      .sort((a, b) => b.count - a.count || a.name.localeCompare(b.name));
  }

  /** What each action would have done for the sample events, described as a dry run describes it. */
  private async describeSamples(uow: UnitOfWork, rule: Rule, picked: Array<{ eventId: string }>): Promise<BacktestResult['samples']> {
    const rows = await this.events.findMany(uow, picked.map((p) => p.eventId));
    const byId = new Map(rows.map((r) => [r.id, r]));
    const out: BacktestResult['samples'] = [];
    for (const { eventId } of picked) {
      const row = byId.get(eventId);
      if (!row) continue;
      const event: DomainEvent = {
        id: row.id, name: row.name, caseId: row.case_id, actorId: row.actor_id, ruleId: row.rule_id, depth: row.depth,
        occurredAt: new Date(row.created_at).toISOString(), payload: row.payload,
      };
      const { ctx } = forEvent(rule, event);
      const wouldDo: string[] = [];
      for (const action of [...rule.actions].sort((a, b) => a.sequence - b.sequence)) {
        wouldDo.push(`${action.actionType}: ${await this.executor.describe(action, ctx, row.payload.case, uow)}`);
      }
      out.push({ eventId, caseId: row.case_id, caseNumber: row.payload.case.caseNumber, at: event.occurredAt, wouldDo });
    }
    return out.sort((a, b) => a.at.localeCompare(b.at));
  }
}
