import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { startTestApp, type TestApp } from '../../test/harness';
import { MaintenanceService } from './maintenance.service';

describe('retention: processed events (the source of traces) are pruned after TRACE_RETENTION_DAYS', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { TRACE_RETENTION_DAYS: '7', OUTBOX_DISPATCHER: 'off' } });
  });
  afterAll(() => t.close());

  it('deletes processed events older than the retention, keeps recent ones and never an unprocessed one', async () => {
    const admin = await t.makeUser({ role: 'ADMIN' });
    const c = await t.makeCase(admin);
    const insert = (age: string, processed: boolean) => t.sql(
      `INSERT INTO domain_events (id, name, case_id, depth, payload, created_at, processed_at)
       VALUES ($1, 'case.updated', $2, 0, '{}', now() - $3::interval, CASE WHEN $4 THEN now() - $3::interval ELSE NULL END) RETURNING id`,
      [randomUUID(), c.id, age, processed]);
    const [old] = await insert('10 days', true);
    const [recent] = await insert('2 days', true);
    const [stuck] = await insert('10 days', false);
    const deleted = await t.get(MaintenanceService).prune();
    expect(deleted).toBe(1);
    const left = (await t.sql<{ id: string }>('SELECT id FROM domain_events')).map((r) => r.id);
    expect(left).not.toContain((old as { id: string }).id);
    expect(left).toEqual(expect.arrayContaining([(recent as { id: string }).id, (stuck as { id: string }).id]));
  });
});
