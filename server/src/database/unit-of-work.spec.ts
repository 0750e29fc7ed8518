import { describe, expect, it } from '@jest/globals';
import type { EntityManager } from 'typeorm';
import { inSavepoint, UnitOfWork } from './unit-of-work';

/** Records the statements a unit sends; no database needed for what the unit itself decides. */
function fakeManager(): EntityManager & { sent: string[] } {
  const sent: string[] = [];
  return { sent, query: async (sql: string) => { sent.push(sql); return []; } } as unknown as EntityManager & { sent: string[] };
}

describe('UnitOfWork.stageBeforeCommit', () => {
  it('flushes everything staged under a name once, with the items of savepoints that succeeded and none of those rolled back', async () => {
    const manager = fakeManager();
    const unit = new UnitOfWork(manager);
    const flushed: number[][] = [];
    const flush = async (_: UnitOfWork, items: number[]) => { flushed.push(items); };
    unit.stageBeforeCommit('counts', [1], flush);
    await inSavepoint(unit, async (child) => { child.stageBeforeCommit('counts', [2, 3], flush); });
    await expect(inSavepoint(unit, async (child) => {
      child.stageBeforeCommit('counts', [99], flush);
      throw new Error('this event failed');
    })).rejects.toThrow('this event failed');
    unit.stageBeforeCommit('counts', [4], flush);

    await unit.flushStaged();
    expect(flushed).toEqual([[1, 2, 3, 4]]);
    expect(manager.sent.filter((s) => s.startsWith('ROLLBACK TO'))).toHaveLength(1);
    // Nothing is flushed twice.
    await unit.flushStaged();
    expect(flushed).toHaveLength(1);
  });
});
