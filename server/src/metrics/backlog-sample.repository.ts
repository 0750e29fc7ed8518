import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { managerOf, type Executor } from '../database/executor';

/** One queue's state in a sample. */
export interface QueueBacklog { pending: number; oldestAgeSeconds: number }

export interface BacklogPointRow { bucket_start: Date; queue: string; pending: number; oldest_age_seconds: number }

/** Every statement on `ops_backlog_samples` (one row per minute: each sampled queue's backlog). */
@Injectable()
export class BacklogSampleRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Claims the sample of the current minute: its time for the one process that inserted the row, null for every
   * other process that tried the same minute (they then skip reading the queues).
   */
  async claimMinute(): Promise<Date | null> {
    const rows: Array<{ sampled_at: Date }> = await this.dataSource.query(
      `INSERT INTO ops_backlog_samples (sampled_at) VALUES (date_trunc('minute', now())) ON CONFLICT DO NOTHING RETURNING sampled_at`);
    return rows[0]?.sampled_at ?? null;
  }

  async fill(sampledAt: Date, backlogs: Record<string, QueueBacklog>): Promise<void> {
    await this.dataSource.query(`UPDATE ops_backlog_samples SET backlogs = $2::jsonb WHERE sampled_at = $1`, [sampledAt, JSON.stringify(backlogs)]);
  }

  /** Per queue and interval of `seconds` in [from, to): the largest backlog and longest wait sampled. */
  async condensed(from: Date, to: Date, seconds: number): Promise<BacklogPointRow[]> {
    return this.dataSource.query(
      `SELECT to_timestamp(floor(EXTRACT(EPOCH FROM s.sampled_at) / $3) * $3) AS bucket_start, b.key AS queue,
              max((b.value ->> 'pending')::int) AS pending, max((b.value ->> 'oldestAgeSeconds')::float8) AS oldest_age_seconds
         FROM ops_backlog_samples s CROSS JOIN LATERAL jsonb_each(s.backlogs) AS b
        WHERE s.sampled_at >= $1 AND s.sampled_at < $2
        GROUP BY 1, 2 ORDER BY 1, 2`, [from, to, seconds]);
  }

  /** Housekeeping: deletes samples older than `days`; returns how many. */
  async deleteOlderThan(days: number, executor?: Executor): Promise<number> {
    const [, n] = await managerOf(executor, this.dataSource.manager).query(
      `DELETE FROM ops_backlog_samples WHERE sampled_at < now() - make_interval(days => $1)`, [days]);
    return Number(n);
  }
}
