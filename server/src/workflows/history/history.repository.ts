import { Injectable } from '@nestjs/common';
import { EXACT_TOTAL_LIMIT } from '../../common/list';
import { DataSource } from 'typeorm';
import type { WorkflowStats } from '../../../../contracts/workflows';
import { managerOf, type Executor, type SqlFragment } from '../../database/executor';
import type { UnitOfWork } from '../../database/unit-of-work';
import type { RulesNamed } from '../rules/revision.repository';
import { HISTORY_COLUMNS, type ActionOutcome, type HistoryRow } from './history.types';
import { escapeLike } from '../../database/like';

/** One history row to write. */
export interface HistoryInsert {
  ruleId: string; ruleName: string; caseId: string; caseNumber: string; eventId: string; eventName: string;
  triggerData: Record<string, unknown>; depth: number; retryOf: string | null; outcomes: ActionOutcome[];
  success: boolean; errorMessage: string | null; durationMs: number; skippedReason: 'COOLDOWN' | 'MAX_DEPTH' | null;
}

export interface HistoryFilter {
  ruleId?: string; caseId?: string; success?: boolean; skipped?: boolean; from?: string; to?: string;
  /** Exact case number. */
  caseNumber?: string;
  /**
   * Rule name (as it was at the run) contains `text`, case-insensitive. `rules` are the rules whose name ever
   * contained it (RevisionRepository.rulesEverNamed): their runs are found through the rule index, and only for a
   * rule renamed from or to a matching name is the name at each run checked.
   */
  ruleName?: { text: string; rules: RulesNamed };
}

/** Where a keyset page starts: after this row in newest-first order. `at` is the exact text of created_at (microseconds). */
export interface HistoryCursor { at: string; id: string }

/** The WHERE clause of a filter, with its parameters. */
function whereOf(filter: HistoryFilter): { where: string[]; params: unknown[] } {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, value: unknown) => { params.push(value); where.push(sql.replace('?', `$${params.length}`)); };
  if (filter.ruleId) add('rule_id = ?', filter.ruleId);
  if (filter.caseId) add('case_id = ?', filter.caseId);
  if (filter.caseNumber) add('case_number = ?', filter.caseNumber);
  if (filter.ruleName) {
    const { text, rules: { always, sometimes } } = filter.ruleName;
    const either: string[] = [];
    const param = (value: unknown) => { params.push(value); return `$${params.length}`; };
    if (always.length) either.push(`rule_id = ANY(${param(always)}::uuid[])`);
    if (sometimes.length) either.push(`(rule_id = ANY(${param(sometimes)}::uuid[]) AND rule_name ILIKE '%' || ${param(escapeLike(text))} || '%')`);
    where.push(either.length ? `(${either.join(' OR ')})` : 'false');
  }
  if (filter.success !== undefined) add('success = ?', filter.success);
  if (filter.skipped !== undefined) where.push(filter.skipped ? 'skipped_reason IS NOT NULL' : 'skipped_reason IS NULL');
  if (filter.from) add('created_at >= ?::timestamptz', filter.from);
  if (filter.to) add('created_at <= ?::timestamptz', filter.to);
  return { where, params };
}

/** A rule that may be cooling down for a case. */
export interface CooldownCandidate { ruleId: string; caseId: string; cooldownSeconds: number }

/** What a trace needs of the first (not retried) runs of an event. */
export interface EventRun {
  rule_id: string; success: boolean; skipped_reason: string | null; error_message: string | null;
  actions_executed: Array<{ actionType: string; success: boolean; detail: string }>;
}

/** How a run counts in workflow_run_stats. */
export type RunOutcome = 'SUCCEEDED' | 'FAILED' | 'COOLDOWN' | 'MAX_DEPTH';
const HOUR_MS = 3_600_000;

/** Runs per bucket (hour or UTC day) from the pre-aggregate. */
export interface RunStatsBucketRow { bucket_start: Date; runs: number; failures: number; skipped: number; duration_ms: string | null }
export interface FailingRuleRow { rule_id: string; rule_name: string; failures: number; runs: number; last_failure_bucket: Date }

export const cooldownKey = (ruleId: string, caseId: string): string => `${ruleId}|${caseId}`;

/** How many parameters the history insert takes: a statement run alongside it numbers its own from the next. */
export const HISTORY_PARAMS = 14;

/** The only place with SQL on workflow_history. */
@Injectable()
export class HistoryRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Inserts the history rows in order. `alongside`: a data-modifying statement (its parameters numbered from
   * HISTORY_PARAMS + 1) that must commit or fail with these rows — the circuit breaker's count of the same runs —
   * run in the same round trip; the rows it answers come back as `alongside`.
   */
  async insertMany<A = never>(uow: UnitOfWork, rows: HistoryInsert[], alongside?: SqlFragment): Promise<{ rows: HistoryRow[]; alongside: A[] }> {
    const column = <T>(pick: (r: HistoryInsert) => T) => rows.map(pick);
    const insert = `INSERT INTO workflow_history (rule_id, rule_name, case_id, case_number, event_id, event_name, trigger_data, depth, retry_of,
         actions_executed, success, error_message, duration_ms, skipped_reason)
       SELECT rule_id, rule_name, case_id, case_number, event_id, event_name, trigger_data, depth, retry_of,
              actions_executed, success, error_message, duration_ms, skipped_reason
         FROM unnest($1::uuid[], $2::text[], $3::uuid[], $4::text[], $5::uuid[], $6::text[], $7::jsonb[], $8::int[], $9::uuid[],
                     $10::jsonb[], $11::boolean[], $12::text[], $13::int[], $14::text[])
              WITH ORDINALITY AS r(rule_id, rule_name, case_id, case_number, event_id, event_name, trigger_data, depth, retry_of,
                                   actions_executed, success, error_message, duration_ms, skipped_reason, n)
        ORDER BY n
       RETURNING ${HISTORY_COLUMNS}`;
    const params = [column((r) => r.ruleId), column((r) => r.ruleName), column((r) => r.caseId), column((r) => r.caseNumber),
      column((r) => r.eventId), column((r) => r.eventName), column((r) => JSON.stringify(r.triggerData)),
      column((r) => r.depth), column((r) => r.retryOf), column((r) => JSON.stringify(r.outcomes)),
      column((r) => r.success), column((r) => r.errorMessage), column((r) => r.durationMs), column((r) => r.skippedReason)];
    let stored: HistoryRow[];
    let answered: A[] = [];
    if (!alongside) {
      stored = await uow.manager.query(insert, params);
    } else {
      // The companion's rows ride along as one JSON column (the same value on every row: computed once).
      const result: Array<HistoryRow & { alongside: A[] }> = await uow.manager.query(
        `WITH alongside AS (${alongside.sql}), inserted AS (${insert})
         SELECT inserted.*, (SELECT coalesce(json_agg(alongside), '[]') FROM alongside) AS alongside FROM inserted`,
        [...params, ...alongside.params]);
      answered = result[0]?.alongside ?? [];
      stored = result.map(({ alongside: _, ...row }) => row as HistoryRow);
    }
    // Counted in the same transaction, but in one statement for the whole unit (an engine batch), just before its commit.
    uow.stageBeforeCommit('workflow-run-stats', stored, (unit, all) => this.countRuns(unit, all));
    return { rows: stored, alongside: answered };
  }

  /**
   * Adds runs to workflow_run_stats, per hour (of created_at, UTC), rule and outcome. The rows are upserted in key
   * order, so two units adding to the same counters lock them in the same order and never deadlock.
   */
  private async countRuns(uow: UnitOfWork, rows: HistoryRow[]): Promise<void> {
    const counts = new Map<string, { bucket: string; ruleId: string; outcome: RunOutcome; ruleName: string; runs: number; durationMs: number }>();
    for (const r of rows) {
      const bucket = new Date(Math.floor(new Date(r.created_at).getTime() / HOUR_MS) * HOUR_MS).toISOString();
      const outcome: RunOutcome = r.skipped_reason ?? (r.success ? 'SUCCEEDED' : 'FAILED');
      const key = `${bucket}|${r.rule_id}|${outcome}`;
      const c = counts.get(key);
      if (c) { c.runs++; c.durationMs += r.duration_ms; c.ruleName = r.rule_name; }
      else counts.set(key, { bucket, ruleId: r.rule_id, outcome, ruleName: r.rule_name, runs: 1, durationMs: r.duration_ms });
    }
    const all = [...counts.values()];
    await uow.manager.query(
      `INSERT INTO workflow_run_stats AS s (bucket_start, rule_id, outcome, rule_name, runs, duration_ms)
       SELECT * FROM unnest($1::timestamptz[], $2::uuid[], $3::text[], $4::text[], $5::int[], $6::bigint[])
        ORDER BY 1, 2, 3
       ON CONFLICT (bucket_start, rule_id, outcome)
       DO UPDATE SET runs = s.runs + EXCLUDED.runs, duration_ms = s.duration_ms + EXCLUDED.duration_ms, rule_name = EXCLUDED.rule_name`,
      [all.map((c) => c.bucket), all.map((c) => c.ruleId), all.map((c) => c.outcome), all.map((c) => c.ruleName),
        all.map((c) => c.runs), all.map((c) => c.durationMs)]);
  }

  /** Runs, failures and skips per bucket in [from, to) from the pre-aggregate (empty buckets are absent). */
  async runStatsByBucket(from: Date, to: Date, bucket: 'hour' | 'day'): Promise<RunStatsBucketRow[]> {
    return this.dataSource.query(
      `SELECT date_trunc('${bucket === 'day' ? 'day' : 'hour'}', bucket_start AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS bucket_start,
              COALESCE(sum(runs) FILTER (WHERE outcome IN ('SUCCEEDED', 'FAILED')), 0)::int AS runs,
              COALESCE(sum(runs) FILTER (WHERE outcome = 'FAILED'), 0)::int AS failures,
              COALESCE(sum(runs) FILTER (WHERE outcome IN ('COOLDOWN', 'MAX_DEPTH')), 0)::int AS skipped,
              sum(duration_ms) FILTER (WHERE outcome IN ('SUCCEEDED', 'FAILED')) AS duration_ms
         FROM workflow_run_stats WHERE bucket_start >= $1 AND bucket_start < $2
        GROUP BY 1 ORDER BY 1`, [from, to]);
  }

  /** The rules with the most failed runs in [from, to), most first. */
  async topFailingRules(from: Date, to: Date, limit: number): Promise<FailingRuleRow[]> {
    return this.dataSource.query(
      `SELECT rule_id, (array_agg(rule_name ORDER BY bucket_start DESC))[1] AS rule_name,
              COALESCE(sum(runs) FILTER (WHERE outcome = 'FAILED'), 0)::int AS failures,
              COALESCE(sum(runs) FILTER (WHERE outcome IN ('SUCCEEDED', 'FAILED')), 0)::int AS runs,
              max(bucket_start) FILTER (WHERE outcome = 'FAILED') AS last_failure_bucket
         FROM workflow_run_stats WHERE bucket_start >= $1 AND bucket_start < $2
        GROUP BY rule_id HAVING sum(runs) FILTER (WHERE outcome = 'FAILED') > 0
        ORDER BY failures DESC, last_failure_bucket DESC, rule_id LIMIT ${Number(limit)}`, [from, to]);
  }

  /** Housekeeping: deletes the run counters of hours older than `days`; returns how many buckets went. */
  async deleteRunStatsOlderThan(days: number, executor?: Executor): Promise<number> {
    const [, n] = await managerOf(executor, this.dataSource.manager).query(
      `DELETE FROM workflow_run_stats WHERE bucket_start < now() - make_interval(days => $1)`, [days]);
    return Number(n);
  }

  /** Newest first; the count is exact up to EXACT_TOTAL_LIMIT. */
  async list(filter: HistoryFilter, page: { limit: number; offset: number }): Promise<{ rows: HistoryRow[]; counted: number }> {
    const { where, params } = whereOf(filter);
    const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const [rows, [{ n }]] = await Promise.all([
      this.dataSource.query(
        `SELECT ${HISTORY_COLUMNS} FROM workflow_history ${clause} ORDER BY created_at DESC, id DESC LIMIT ${Number(page.limit)} OFFSET ${Number(page.offset)}`, params),
      this.dataSource.query(`SELECT count(*) AS n FROM (SELECT 1 FROM workflow_history ${clause} LIMIT ${EXACT_TOTAL_LIMIT + 1}) capped`, params),
    ]);
    return { rows, counted: Number(n) };
  }

  /**
   * One keyset page, newest first, after `cursor`: the export walks the whole filter this way, so a
   * million rows never sit in memory and every page is an index range scan (created_at DESC, id DESC).
   */
  async page(filter: HistoryFilter, cursor: HistoryCursor | undefined, limit: number): Promise<Array<HistoryRow & { cursor_at: string }>> {
    const { where, params } = whereOf(filter);
    if (cursor) {
      params.push(cursor.at, cursor.id);
      where.push(`(created_at, id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`);
    }
    const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
    return this.dataSource.query(
      `SELECT ${HISTORY_COLUMNS}, created_at::text AS cursor_at FROM workflow_history ${clause}
        ORDER BY created_at DESC, id DESC LIMIT ${Number(limit)}`, params);
  }

  async findById(id: string, uow?: UnitOfWork): Promise<HistoryRow | undefined> {
    const rows: HistoryRow[] = await (uow?.manager ?? this.dataSource.manager).query(`SELECT ${HISTORY_COLUMNS} FROM workflow_history WHERE id = $1`, [id]);
    return rows[0];
  }

  /** The retry of run `id`, if there is one. */
  async findRetryOf(id: string, uow?: UnitOfWork): Promise<HistoryRow | undefined> {
    const rows: HistoryRow[] = await (uow?.manager ?? this.dataSource.manager).query(
      `SELECT ${HISTORY_COLUMNS} FROM workflow_history WHERE retry_of = $1`, [id]);
    return rows[0];
  }

  /**
   * Of the candidates, those whose rule ran (not skipped) for their case less than cooldownSeconds ago,
   * as cooldownKey(ruleId, caseId): one statement for any mix of rules and cases (the engine asks for one
   * case and several rules, a schedule tick for one rule and a batch of cases).
   */
  async coolingDown(uow: UnitOfWork, candidates: CooldownCandidate[]): Promise<Set<string>> {
    const waiting = candidates.filter((c) => c.cooldownSeconds > 0);
    if (!waiting.length) return new Set();
    const rows: Array<{ rule_id: string; case_id: string }> = await uow.manager.query(
      `SELECT r.rule_id, r.case_id FROM unnest($1::uuid[], $2::uuid[], $3::int[]) AS r(rule_id, case_id, cooldown)
        WHERE EXISTS (SELECT 1 FROM workflow_history h
                       WHERE h.case_id = r.case_id AND h.rule_id = r.rule_id AND h.skipped_reason IS NULL
                         AND h.created_at > clock_timestamp() - make_interval(secs => r.cooldown))`,
      [waiting.map((c) => c.ruleId), waiting.map((c) => c.caseId), waiting.map((c) => c.cooldownSeconds)]);
    return new Set(rows.map((r) => cooldownKey(r.rule_id, r.case_id)));
  }

  /**
   * Per case, when the rule last ran (not skipped) in the `seconds` before `before`, in epoch ms: what a
   * backtest's simulated cooldown needs to know about runs just before its window.
   */
  async lastRunsBefore(executor: Executor, ruleId: string, before: Date, seconds: number): Promise<Map<string, number>> {
    if (seconds <= 0) return new Map();
    const rows: Array<{ case_id: string; at: number }> = await managerOf(executor, this.dataSource.manager).query(
      `SELECT case_id, (extract(epoch FROM max(created_at)) * 1000)::float8 AS at FROM workflow_history
        WHERE rule_id = $1 AND skipped_reason IS NULL AND created_at >= $2::timestamptz - make_interval(secs => $3) AND created_at < $2
        GROUP BY case_id`, [ruleId, before.toISOString(), seconds]);
    return new Map(rows.map((r) => [r.case_id, Number(r.at)]));
  }

  /** The rules with a history row (a run or a skip) for this event and case: they have had their turn. */
  async rulesRunFor(uow: UnitOfWork, eventId: string, caseId: string): Promise<Set<string>> {
    const rows: Array<{ rule_id: string }> = await uow.manager.query(
      'SELECT DISTINCT rule_id FROM workflow_history WHERE event_id = $1 AND case_id = $2 AND retry_of IS NULL', [eventId, caseId]);
    return new Set(rows.map((r) => r.rule_id));
  }

  /** The runs an event caused, retries left out. */
  async runsOfEvent(eventId: string): Promise<EventRun[]> {
    return this.dataSource.query(
      `SELECT rule_id, success, skipped_reason, error_message, actions_executed FROM workflow_history
        WHERE event_id = $1 AND retry_of IS NULL`, [eventId]);
  }

  /** Counts over the last hour, across all processes. */
  async stats(): Promise<Pick<WorkflowStats, 'runsLastMinute' | 'runsLastHour' | 'failuresLastHour' | 'skippedLastHour'>> {
    const [runs] = await this.dataSource.query(`
      SELECT count(*) FILTER (WHERE created_at > now() - interval '1 minute' AND skipped_reason IS NULL)::int AS "runsLastMinute",
             count(*) FILTER (WHERE skipped_reason IS NULL)::int AS "runsLastHour",
             count(*) FILTER (WHERE NOT success)::int AS "failuresLastHour",
             count(*) FILTER (WHERE skipped_reason IS NOT NULL)::int AS "skippedLastHour"
        FROM workflow_history WHERE created_at > now() - interval '1 hour'`);
    return runs;
  }

  /**
   * Housekeeping (HISTORY_RETENTION_DAYS): deletes up to `limit` runs older than `days`; returns how many. A run that
   * a kept retry points to (`retry_of`) stays until its retry goes too, so a retry never loses the run it repeats.
   */
  async deleteOlderThan(days: number, limit: number, executor?: Executor): Promise<number> {
    const [, n] = await managerOf(executor, this.dataSource.manager).query(
      `DELETE FROM workflow_history WHERE id IN (
         SELECT h.id FROM workflow_history h
          WHERE h.created_at < now() - make_interval(days => $1)
            AND NOT EXISTS (SELECT 1 FROM workflow_history r WHERE r.retry_of = h.id)
          ORDER BY h.created_at LIMIT $2)`, [days, limit]);
    return Number(n);
  }
}
