import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { managerOf, type Executor, type SqlFragment } from '../database/executor';
import type { UnitOfWork } from '../database/unit-of-work';
import type { DomainEvent, EventName } from './event-map';

/** An outbox row as the dispatcher claims it. */
export interface OutboxRow {
  id: string; seq: string; name: EventName; case_id: string; actor_id: string | null; rule_id: string | null;
  depth: number; payload: DomainEvent['payload']; created_at: Date; attempts: number; dead_letter_count: number;
}

/** A claimed row and its case's queue: the seq of every unprocessed event of the case, in order, as text. */
export interface ClaimedRow extends OutboxRow { case_queue: string[] }

/** An open dead letter: an event set aside after its last attempt, neither retried nor dismissed since. */
export interface DeadLetterRow {
  id: string; name: EventName; case_id: string; case_number: string | null; attempts: number; last_error: string | null;
  created_at: Date; dead_lettered_at: Date; payload: DomainEvent['payload'];
}

/** An outbox row as traces and the event list read it. */
export interface StoredEventRow {
  id: string; name: EventName; case_id: string; actor_id: string | null; rule_id: string | null; depth: number;
  payload: DomainEvent['payload']; created_at: Date; processed_at: Date | null; last_error: string | null;
}

export type StoredEventSummaryRow = Pick<StoredEventRow, 'id' | 'name' | 'case_id' | 'depth' | 'created_at' | 'processed_at'>;

/** What a backtest asks for one page of recorded events. */
export interface ReplayPageQuery {
  names: readonly EventName[]; from: Date; to: Date; limit: number;
  /** The last row of the previous page (keyset), none for the first. */
  after?: { createdAt: string; seq: string };
  filter: { scopeCodes?: string[]; caseTypes?: string[]; fromStatus?: string[]; toStatus?: string[] };
  /** A further predicate over `payload` whose parameters start at the number given. */
  predicate?: (firstParam: number) => { sql: string; params: unknown[] } | null;
}

/** A recorded event as a backtest replays it. `c` is the case as it was. */
export interface ReplayRow {
  id: string; name: EventName; seq: string; case_id: string; depth: number; created_at_text: string; at_ms: number;
  c: DomainEvent['payload']['case']; previous: Record<string, unknown> | null; from_status: string | null; to_status: string | null;
}

/** Every statement on `domain_events` (the outbox). */
@Injectable()
export class OutboxRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * The INSERT of `events` (all of one case and origin) as SQL whose parameters start at `$first`, for a caller
   * to run as its own statement or inside a data-modifying WITH clause of a bigger one.
   */
  insertSql(events: DomainEvent[], caseId: string, first: number): SqlFragment {
    const $ = (n: number) => `$${first + n - 1}`;
    const [head] = events;
    // WITH ORDINALITY keeps the drafts' order in `seq`, which is the order the dispatcher follows.
    const sql = `INSERT INTO domain_events (id, name, case_id, actor_id, rule_id, depth, payload, created_at)
       SELECT e.id, e.name, ${$(3)}::uuid, ${$(4)}::uuid, ${$(5)}::uuid, ${$(6)}::int, e.payload, ${$(7)}::timestamptz
         FROM unnest(${$(1)}::uuid[], ${$(2)}::text[], ${$(8)}::jsonb[]) WITH ORDINALITY AS e(id, name, payload, n)
        ORDER BY e.n`;
    const params = [events.map((e) => e.id), events.map((e) => e.name), caseId, head.actorId, head.ruleId, head.depth, head.occurredAt,
      events.map((e) => JSON.stringify(e.payload))];
    return { sql, params };
  }

  async run(uow: UnitOfWork, statement: SqlFragment): Promise<void> {
    await uow.manager.query(statement.sql, statement.params);
  }

  /**
   * Claims up to `limit` due events in outbox order, locked for this transaction (SKIP LOCKED: concurrent
   * workers take different rows, and a crash releases them at once). Each row carries its case's queue:
   * the sequence numbers of the case's unprocessed events up to the newest one claimed, by anyone or not, in
   * order, read in the same statement (one round trip per batch less than asking afterwards).
   */
  async claim(uow: UnitOfWork, limit: number): Promise<ClaimedRow[]> {
    // The claim must walk the pending index in order: a plain index scan marks the entries of events
    // processed meanwhile as dead and never reads them again. The planner prefers a bitmap scan plus
    // sort once the table looks small, and a bitmap scan marks nothing, so every claim would re-read
    // every event processed since the last vacuum. Off for this transaction only.
    await uow.manager.query('SET LOCAL enable_bitmapscan = off');
    return uow.manager.query(
      `WITH claimed AS (
         SELECT id, seq, name, case_id, actor_id, rule_id, depth, payload, created_at, attempts, dead_letter_count
           FROM domain_events
          WHERE processed_at IS NULL AND (next_attempt_at IS NULL OR next_attempt_at <= now())
          ORDER BY seq
          LIMIT $1
          FOR UPDATE SKIP LOCKED
       ),
       -- The claimed cases' queues, up to the newest claimed event: everything pending before it is claimed here, held
       -- by another batch or waiting for a retry, so the queue holds all the dispatcher compares. Both bounds matter:
       -- autovacuum usually finds the queue empty, the planner then takes the pending indexes for empty and may walk
       -- the whole backlog in seq order for every claimed row (a claim of 46 from a backlog of 3,000 took 84 ms);
       -- bounded by seq, even that plan reads only the claimed stretch of the queue, once. (The ::uuid[] cast makes
       -- ANY compare with one array rather than with the rows of a sub-query.)
       queues AS (
         SELECT p.case_id, array_agg(p.seq ORDER BY p.seq)::text[] AS case_queue
           FROM domain_events p
          WHERE p.processed_at IS NULL
            AND p.case_id = ANY((SELECT array_agg(case_id) FROM claimed)::uuid[])
            AND p.seq <= (SELECT max(seq) FROM claimed)
          GROUP BY p.case_id
       )
       SELECT c.*, q.case_queue
         FROM claimed c JOIN queues q ON q.case_id = c.case_id
        ORDER BY c.seq`,
      [limit],
    );
  }

  /** One statement marks the whole batch: the work and the marks commit together. */
  async markProcessed(uow: UnitOfWork, ids: string[]): Promise<void> {
    await uow.manager.query(`UPDATE domain_events SET processed_at = now(), last_error = NULL WHERE id = ANY($1)`, [ids]);
  }

  /**
   * Records a failed attempt; the event is retried after `retryInSeconds`, or set aside (processed, and an
   * open dead letter) when `giveUp`. Returns how many times it has been set aside, 0 when it will be retried.
   */
  async markFailed(uow: UnitOfWork, id: string, attempts: number, message: string, retryInSeconds: number, giveUp: boolean): Promise<number> {
    // An UPDATE answers [rows, affected count].
    const [rows]: [Array<{ dead_letter_count: number }>, number] = await uow.manager.query(
      `UPDATE domain_events
          SET attempts = $2, last_error = $3,
              next_attempt_at = clock_timestamp() + make_interval(secs => $4),
              processed_at = CASE WHEN $5 THEN now() ELSE NULL END,
              dead_lettered_at = CASE WHEN $5 THEN now() ELSE NULL END,
              dismissed_at = NULL,
              dead_letter_count = dead_letter_count + CASE WHEN $5 THEN 1 ELSE 0 END
        WHERE id = $1
        RETURNING dead_letter_count`,
      [id, attempts, message, retryInSeconds, giveUp],
    );
    return giveUp ? rows[0]?.dead_letter_count ?? 0 : 0;
  }

  /** Open dead letters, the most recently set aside first. */
  async deadLetters(limit: number, offset: number): Promise<{ rows: DeadLetterRow[]; total: number }> {
    const [rows, [{ n }]] = await Promise.all([
      this.dataSource.query(
        `SELECT id, name, case_id, payload->'case'->>'caseNumber' AS case_number, attempts, last_error, created_at, dead_lettered_at, payload
           FROM domain_events WHERE dead_lettered_at IS NOT NULL
          ORDER BY dead_lettered_at DESC, seq DESC LIMIT $1 OFFSET $2`, [limit, offset]),
      this.dataSource.query('SELECT count(*)::int AS n FROM domain_events WHERE dead_lettered_at IS NOT NULL'),
    ]);
    return { rows, total: Number(n) };
  }

  async countDeadLetters(): Promise<number> {
    const [{ n }] = await this.dataSource.query('SELECT count(*)::int AS n FROM domain_events WHERE dead_lettered_at IS NOT NULL');
    return Number(n);
  }

  /**
   * Sends an open dead letter back to the dispatcher: unprocessed again, due now, with a fresh set of
   * attempts. Returns it as it was, or null when there is no such open dead letter.
   */
  async requeueDeadLetter(uow: UnitOfWork, id: string): Promise<DeadLetterRow | null> {
    const [rows]: [DeadLetterRow[], number] = await uow.manager.query(
      `UPDATE domain_events d
          SET processed_at = NULL, next_attempt_at = NULL, attempts = 0, dead_lettered_at = NULL
         FROM (SELECT id, attempts, last_error, dead_lettered_at FROM domain_events WHERE id = $1 AND dead_lettered_at IS NOT NULL FOR UPDATE) old
        WHERE d.id = old.id
        RETURNING d.id, d.name, d.case_id, d.payload->'case'->>'caseNumber' AS case_number, old.attempts, old.last_error, d.created_at,
                  old.dead_lettered_at, d.payload`,
      [id]);
    return rows[0] ?? null;
  }

  /** Closes an open dead letter without processing it; null when there is no such open dead letter. */
  async dismissDeadLetter(uow: UnitOfWork, id: string): Promise<DeadLetterRow | null> {
    const [rows]: [DeadLetterRow[], number] = await uow.manager.query(
      `UPDATE domain_events d SET dismissed_at = now(), dead_lettered_at = NULL
         FROM (SELECT id, dead_lettered_at FROM domain_events WHERE id = $1 AND dead_lettered_at IS NOT NULL FOR UPDATE) old
        WHERE d.id = old.id
        RETURNING d.id, d.name, d.case_id, d.payload->'case'->>'caseNumber' AS case_number, d.attempts, d.last_error, d.created_at,
                  old.dead_lettered_at, d.payload`,
      [id]);
    return rows[0] ?? null;
  }

  /** Deletes up to `limit` processed events older than `days`; returns how many. */
  async deleteProcessedBefore(days: number, limit: number, executor?: Executor): Promise<number> {
    const [, n] = await this.db(executor).query(
      `DELETE FROM domain_events WHERE id IN (
         SELECT id FROM domain_events
          WHERE created_at < now() - make_interval(days => $1) AND processed_at IS NOT NULL AND dead_lettered_at IS NULL LIMIT ${limit})`, [days]);
    return Number(n);
  }

  /** How many events wait, and the age of the oldest, in seconds. */
  async backlog(): Promise<{ pending: number; lagSeconds: number }> {
    const [row] = await this.dataSource.query(
      `SELECT count(*)::int AS pending, COALESCE(EXTRACT(EPOCH FROM now() - min(created_at)), 0)::float8 AS lag
         FROM domain_events WHERE processed_at IS NULL`);
    return { pending: row.pending, lagSeconds: Number(row.lag) };
  }

  /** Newest first; of one case when `caseId` is given. */
  async list(caseId: string | undefined, limit: number, offset: number): Promise<{ rows: StoredEventSummaryRow[]; total: number }> {
    const params: unknown[] = [];
    let where = '';
    if (caseId) { params.push(caseId); where = 'WHERE case_id = $1'; }
    const [rows, [{ n }]] = await Promise.all([
      this.dataSource.query(`SELECT id, name, case_id, depth, created_at, processed_at FROM domain_events ${where}
        ORDER BY seq DESC LIMIT ${Number(limit)} OFFSET ${Number(offset)}`, params),
      this.dataSource.query(`SELECT count(*) AS n FROM domain_events ${where}`, params),
    ]);
    return { rows, total: Number(n) };
  }

  async find(id: string): Promise<StoredEventRow | null> {
    const rows: StoredEventRow[] = await this.dataSource.query(
      `SELECT id, name, case_id, actor_id, rule_id, depth, payload, created_at, processed_at, last_error FROM domain_events WHERE id = $1`, [id]);
    return rows[0] ?? null;
  }

  /** How many events of each name were recorded in [from, to) (a backtest's totals). */
  async countByName(executor: Executor, from: Date, to: Date): Promise<Map<EventName, number>> {
    const rows: Array<{ name: EventName; n: string }> = await this.db(executor).query(
      `SELECT name, count(*) AS n FROM domain_events WHERE created_at >= $1 AND created_at < $2 GROUP BY name`, [from.toISOString(), to.toISOString()]);
    return new Map(rows.map((r) => [r.name, Number(r.n)]));
  }

  /**
   * One keyset page of the events with one of `names` recorded in [from, to) after `after` in (created_at, seq) order,
   * with only what matching needs: the case as it was and the transition. `filter` narrows by
   * the rule's scope, case types and statuses (a pre-filter: the matcher still decides). Walks
   * domain_events_created_seq_idx: the window's rows once, in the order they were written.
   */
  async replayPage(executor: Executor, q: ReplayPageQuery): Promise<ReplayRow[]> {
    const params: unknown[] = [q.names, q.from.toISOString(), q.to.toISOString(), q.after?.createdAt ?? '-infinity', q.after?.seq ?? '0'];
    const where: string[] = [];
    const add = (sql: (p: string) => string, value: unknown) => { params.push(value); where.push(sql(`$${params.length}`)); };
    if (q.filter.scopeCodes?.length) add((p) => `payload->'case'->>'scopeCode' = ANY(${p}::text[])`, q.filter.scopeCodes);
    if (q.filter.caseTypes?.length) add((p) => `payload->'case'->>'caseType' = ANY(${p}::text[])`, q.filter.caseTypes);
    if (q.filter.fromStatus?.length) add((p) => `payload->>'fromStatus' = ANY(${p}::text[])`, q.filter.fromStatus);
    if (q.filter.toStatus?.length) add((p) => `payload->>'toStatus' = ANY(${p}::text[])`, q.filter.toStatus);
    const predicate = q.predicate?.(params.length + 1);
    if (predicate) { params.push(...predicate.params); where.push(predicate.sql); }
    return this.db(executor).query(
      `SELECT id, name, seq::text AS seq, case_id, depth, created_at::text AS created_at_text,
              (extract(epoch FROM created_at) * 1000)::float8 AS at_ms,
              payload->'case' AS c, payload->'previous' AS previous,
              payload->>'fromStatus' AS from_status, payload->>'toStatus' AS to_status
         FROM domain_events
        WHERE name = ANY($1::text[]) AND created_at >= $2 AND created_at < $3 AND (created_at, seq) > ($4::timestamptz, $5::bigint)
          ${where.map((w) => `AND ${w}`).join(' ')}
        ORDER BY domain_events.created_at, domain_events.seq
        LIMIT ${Number(q.limit)}`, params);
  }

  /**
   * For the rest of the caller's transaction: walk replay pages along domain_events_created_seq_idx. With a
   * selective filter the planner would otherwise scan the whole table and sort, for every page again.
   */
  async preferOrderedScans(executor: Executor): Promise<void> {
    const db = this.db(executor);
    await db.query('SET LOCAL enable_seqscan = off');
    await db.query('SET LOCAL enable_bitmapscan = off');
    await db.query('SET LOCAL max_parallel_workers_per_gather = 0');
  }

  /** Whole events by id (a backtest's samples). */
  async findMany(executor: Executor, ids: string[]): Promise<StoredEventRow[]> {
    if (!ids.length) return [];
    return this.db(executor).query(
      `SELECT id, name, case_id, actor_id, rule_id, depth, payload, created_at, processed_at, last_error FROM domain_events WHERE id = ANY($1::uuid[])`, [ids]);
  }

  private db(executor?: Executor): EntityManager {
    return managerOf(executor, this.dataSource.manager);
  }
}
