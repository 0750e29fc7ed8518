import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { managerOf, type Executor } from '../../database/executor';

/** Housekeeping's statement on `workflow_history` (HISTORY_RETENTION_DAYS). */
@Injectable()
export class HistoryRetentionRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Deletes up to `limit` runs older than `days`; returns how many. A run that a kept retry points to
   * (`retry_of`) stays until its retry goes too, so a retry never loses the run it repeats.
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
