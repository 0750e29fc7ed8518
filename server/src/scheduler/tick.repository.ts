import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { BackgroundTransactionRunner, type UnitOfWork } from '../database/unit-of-work';

export interface TickRow { id: string; rule_id: string; scheduled_for: Date; catch_up: boolean }

/** Advisory-lock namespace for ticks (the second key is the tick's hash). */
const TICK_LOCK_SPACE = 7_150_100;

/** The only place with SQL on workflow_ticks and workflow_rule_case_state's "acted on" marks. */
@Injectable()
export class TickRepository {
  constructor(private readonly tx: BackgroundTransactionRunner) {}

  private get db(): EntityManager {
    return this.tx.dataSource.manager;
  }

  /** Oldest first. `session`: the connection that will hold the ticks' advisory locks. */
  async unprocessed(session: EntityManager, limit: number): Promise<TickRow[]> {
    return session.query(
      `SELECT id, rule_id, scheduled_for, catch_up FROM workflow_ticks WHERE processed_at IS NULL ORDER BY created_at LIMIT ${Number(limit)}`);
  }

  /** A session advisory lock: held by `session` until unlock(), or until its connection dies. */
  async tryLock(session: EntityManager, tickId: string): Promise<boolean> {
    const [{ locked }] = await session.query('SELECT pg_try_advisory_lock($1, hashtext($2)) AS locked', [TICK_LOCK_SPACE, tickId]);
    return locked;
  }

  async unlock(session: EntityManager, tickId: string): Promise<void> {
    await session.query('SELECT pg_advisory_unlock($1, hashtext($2))', [TICK_LOCK_SPACE, tickId]);
  }

  async isProcessed(session: EntityManager, tickId: string): Promise<boolean> {
    const [{ done }] = await session.query('SELECT processed_at IS NOT NULL AS done FROM workflow_ticks WHERE id = $1', [tickId]);
    return done;
  }

  async markStarted(tickId: string): Promise<void> {
    await this.db.query('UPDATE workflow_ticks SET started_at = COALESCE(started_at, now()) WHERE id = $1', [tickId]);
  }

  async markProcessed(tickId: string, casesActed: number): Promise<void> {
    await this.db.query('UPDATE workflow_ticks SET processed_at = now(), cases_acted = $2 WHERE id = $1', [tickId, casesActed]);
  }

  /** Unique per rule and scheduled time: several processes firing together enqueue it once. */
  async enqueue(uow: UnitOfWork, ruleId: string, scheduledFor: Date, catchUp: boolean): Promise<void> {
    await uow.manager.query(
      `INSERT INTO workflow_ticks (rule_id, scheduled_for, catch_up) VALUES ($1, $2, $3) ON CONFLICT (rule_id, scheduled_for) DO NOTHING`,
      [ruleId, scheduledFor.toISOString(), catchUp]);
  }

  /** The rule acted on the case: not again until the case stops matching. */
  async markActedOn(uow: UnitOfWork, ruleId: string, caseId: string): Promise<void> {
    await uow.manager.query(
      `INSERT INTO workflow_rule_case_state (rule_id, case_id, time_matched) VALUES ($1, $2, true)
       ON CONFLICT (rule_id, case_id) DO UPDATE SET time_matched = true`, [ruleId, caseId]);
  }

  /**
   * Clears the "acted on" mark of cases that no longer match, so they are acted on again when they match again.
   * `stillMatching` is the rule's compiled condition over `cases c` (the condition compiler's output, parameters
   * from $2): the one statement that reads the cases table beside the mark it clears, because fetching every
   * marked case id into the process and back would cost a round trip per batch of a million-case scan.
   */
  async resetNoLongerMatching(ruleId: string, stillMatching: { sql: string; params: unknown[] }): Promise<void> {
    await this.db.query(
      `UPDATE workflow_rule_case_state s SET time_matched = false
        WHERE s.rule_id = $1 AND s.time_matched
          AND NOT EXISTS (SELECT 1 FROM cases c WHERE c.id = s.case_id AND ${stillMatching.sql})`,
      [ruleId, ...stillMatching.params]);
  }

  /** Processed ticks older than the retention (for the maintenance job, which holds the prune lock on `session`). */
  async pruneProcessed(session: EntityManager, days: number): Promise<void> {
    await session.query(`DELETE FROM workflow_ticks WHERE processed_at < now() - make_interval(days => $1)`, [days]);
  }
}
