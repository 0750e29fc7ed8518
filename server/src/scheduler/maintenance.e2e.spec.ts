import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { startTestApp, type TestApp } from '../../test/harness';
import { makeRule, settle } from '../../test/workflow-fixtures';
import { NotificationsService } from '../notifications/notifications.service';
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
    expect(deleted).toMatchObject({ events: 1 });
    const left = (await t.sql<{ id: string }>('SELECT id FROM domain_events')).map((r) => r.id);
    expect(left).not.toContain((old as { id: string }).id);
    expect(left).toEqual(expect.arrayContaining([(recent as { id: string }).id, (stuck as { id: string }).id]));
  });
});

describe('retention: workflow history (HISTORY_RETENTION_DAYS) and read notifications (NOTIFICATION_RETENTION_DAYS)', () => {
  /** Three runs of one rule (one per new case), with their history rows backdated by the given ages. */
  async function historyAged(t: TestApp, ages: string[]): Promise<string[]> {
    const admin = await t.makeUser({ role: 'ADMIN' });
    const scope = `R${randomUUID().slice(0, 4).toUpperCase()}`;
    await makeRule(t, admin, { scopeCodes: [scope], triggerType: 'EVENT', triggerConfig: { event: 'case.created' },
      actions: [{ actionType: 'ADD_TAG', actionConfig: { tag: 'kept' } }] });
    for (const _ of ages) await t.makeCase(admin, { scopeCode: scope });
    await settle(t);
    const rows = await t.sql<{ id: string }>(`SELECT h.id FROM workflow_history h JOIN cases c ON c.id = h.case_id WHERE c.scope_code = $1 ORDER BY h.created_at`, [scope]);
    expect(rows).toHaveLength(ages.length);
    for (const [i, row] of rows.entries()) await t.sql(`UPDATE workflow_history SET created_at = now() - $2::interval WHERE id = $1`, [row.id, ages[i]]);
    return rows.map((r) => r.id);
  }

  it('deletes history older than HISTORY_RETENTION_DAYS and read notifications older than NOTIFICATION_RETENTION_DAYS, nothing else', async () => {
    const t = await startTestApp({ env: { HISTORY_RETENTION_DAYS: '30', NOTIFICATION_RETENTION_DAYS: '90' } });
    try {
      const [old, older, recent] = await historyAged(t, ['40 days', '400 days', '5 days']);
      // A retry (recent) of an old run keeps the run it repeats.
      const [repeated] = await historyAged(t, ['50 days']);
      await t.sql(`INSERT INTO workflow_history (rule_id, rule_name, case_id, case_number, event_id, event_name, trigger_data, depth, retry_of, actions_executed, success)
                   SELECT rule_id, rule_name, case_id, case_number, event_id, event_name, trigger_data, depth, id, actions_executed, success
                     FROM workflow_history WHERE id = $1`, [repeated]);

      const user = await t.makeUser();
      const made = await t.get(NotificationsService).createMany(['read-old', 'unread-old', 'read-recent'].map((title) => ({ userId: user.id, title, message: title })));
      const id = (title: string) => made.find((n) => n.title === title)!.id;
      await t.sql(`UPDATE notifications SET created_at = now() - interval '100 days', is_read = true, read_at = now() WHERE id = $1`, [id('read-old')]);
      await t.sql(`UPDATE notifications SET created_at = now() - interval '100 days' WHERE id = $1`, [id('unread-old')]);
      await t.sql(`UPDATE notifications SET created_at = now() - interval '10 days', is_read = true, read_at = now() WHERE id = $1`, [id('read-recent')]);

      const result = await t.get(MaintenanceService).prune();
      expect(result).toMatchObject({ history: 2, notifications: 1 });
      const history = (await t.sql<{ id: string }>('SELECT id FROM workflow_history')).map((r) => r.id);
      expect(history).not.toEqual(expect.arrayContaining([old]));
      expect(history).not.toEqual(expect.arrayContaining([older]));
      expect(history).toEqual(expect.arrayContaining([recent, repeated]));
      const left = (await t.sql<{ title: string }>('SELECT title FROM notifications WHERE user_id = $1', [user.id])).map((r) => r.title).sort();
      expect(left).toEqual(['read-recent', 'unread-old']);
    } finally {
      await t.close();
    }
  });

  it('keeps all history by default (HISTORY_RETENTION_DAYS=0), and deletes in batches of a bounded size', async () => {
    const t = await startTestApp();
    try {
      await historyAged(t, ['4000 days', '900 days']);
      const user = await t.makeUser();
      const made = await t.get(NotificationsService).createMany(Array.from({ length: 2500 }, (_, i) => ({ userId: user.id, title: `n${i}`, message: 'm' })));
      await t.sql(`UPDATE notifications SET created_at = now() - interval '200 days', is_read = true WHERE id = ANY($1)`, [made.map((n) => n.id)]);
      const result = await t.get(MaintenanceService).prune();
      expect(result).toMatchObject({ history: 0, notifications: 2500 });
      expect(await t.sql('SELECT id FROM workflow_history')).toHaveLength(2);
    } finally {
      await t.close();
    }
  });
});
