import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { managerOf, type Executor } from '../database/executor';

/**
 * Housekeeping's one statement on `workflow_ticks`. The scheduler's other tick statements live with the
 * tick processor; this belongs beside them once they have a repository of their own.
 */
@Injectable()
export class TickRetentionRepository {
  constructor(private readonly dataSource: DataSource) {}

  async deleteProcessedBefore(days: number, executor?: Executor): Promise<void> {
    await managerOf(executor, this.dataSource.manager).query(
      `DELETE FROM workflow_ticks WHERE processed_at < now() - make_interval(days => $1)`, [days]);
  }
}
