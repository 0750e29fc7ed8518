import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { bearer, eventually, startTestApp, type TestApp, type TestUser } from '../../test/harness';
import { makeRule } from '../../test/workflow-fixtures';

/** Wall-clock second, minute and hour of `at` in `timeZone`. */
function wallClock(at: Date, timeZone: string): { s: number; m: number; h: number } {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }).formatToParts(at);
  const get = (type: string) => Number(parts.find((p) => p.type === type)!.value);
  return { s: get('second'), m: get('minute'), h: get('hour') };
}

describe('TIME_BASED rules in their own time zone', () => {
  let t: TestApp;
  let admin: TestUser;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await t.makeUser({ role: 'ADMIN' });
  });
  afterAll(() => t.close());

  it('enqueues the tick at the zone\'s wall-clock time (Asia/Kolkata, UTC+05:30)', async () => {
    const at = new Date(Math.ceil((Date.now() + 5000) / 1000) * 1000);
    const { s, m, h } = wallClock(at, 'Asia/Kolkata');
    // Fires once a day at that Kolkata time: read in UTC it would be 5½ hours away.
    const rule = await makeRule(t, admin, {
      triggerType: 'TIME_BASED', scopeCodes: ['TZONE'],
      triggerConfig: { cron: `${s} ${m} ${h} * * *`, timeZone: 'Asia/Kolkata', conditions: [{ field: 'status', op: 'eq', value: 'OPEN' }] },
    });
    expect(rule.triggerConfig.timeZone).toBe('Asia/Kolkata');
    await eventually(async () => (await t.sql('SELECT 1 FROM workflow_ticks WHERE rule_id = $1', [rule.id])).length > 0, 15_000, 'the tick');
    const ticks = await t.sql<{ scheduled_for: Date; catch_up: boolean }>('SELECT scheduled_for, catch_up FROM workflow_ticks WHERE rule_id = $1', [rule.id]);
    expect(ticks.map((x) => [new Date(x.scheduled_for).toISOString(), x.catch_up])).toEqual([[at.toISOString(), false]]);
    await t.http().post(`/api/v1/workflows/rules/${rule.id}/toggle`).set(...bearer(admin)).expect(200);
  });

  it('rejects an unknown zone with 400 and defaults to UTC', async () => {
    const post = (triggerConfig: Record<string, unknown>) => t.http().post('/api/v1/workflows/rules').set(...bearer(admin))
      .send({ name: `tz ${Math.random()}`, triggerType: 'TIME_BASED', isEnabled: false, triggerConfig: { conditions: [{ field: 'status', op: 'eq', value: 'OPEN' }], ...triggerConfig } });
    const bad = await post({ cron: '0 8 * * *', timeZone: 'Europe/Atlantis' }).expect(400);
    expect(bad.body.message).toEqual(['triggerConfig.timeZone: unknown time zone "Europe/Atlantis" (an IANA name such as Europe/Berlin or UTC)']);
    const plain = await post({ cron: '0 8 * * *' }).expect(201);
    expect(plain.body.triggerConfig.timeZone).toBe('UTC');
  });

  it('GET /workflows/cron-preview describes a schedule and lists its next five runs; 400 for a bad cron or zone', async () => {
    const res = await t.http().get('/api/v1/workflows/cron-preview').query({ cron: '0 8 * * 1-5', timeZone: 'Europe/Berlin' }).set(...bearer(admin)).expect(200);
    expect(res.body.description).toBe('At 08:00, Monday through Friday');
    expect(res.body.next).toHaveLength(5);
    for (const next of res.body.next) {
      expect(wallClock(new Date(next), 'Europe/Berlin')).toEqual({ s: 0, m: 0, h: 8 });
      expect(new Date(next).getTime()).toBeGreaterThan(Date.now());
    }
    const utc = await t.http().get('/api/v1/workflows/cron-preview').query({ cron: '*/15 * * * * *' }).set(...bearer(admin)).expect(200);
    expect(utc.body).toMatchObject({ description: 'Every 15 seconds', timeZone: 'UTC' });
    const badCron = await t.http().get('/api/v1/workflows/cron-preview').query({ cron: '99 * * * *' }).set(...bearer(admin)).expect(400);
    expect(JSON.stringify(badCron.body.message)).toContain('cron:');
    const badZone = await t.http().get('/api/v1/workflows/cron-preview').query({ cron: '0 8 * * *', timeZone: 'Nowhere/Land' }).set(...bearer(admin)).expect(400);
    expect(JSON.stringify(badZone.body.message)).toContain('timeZone:');
    await t.http().get('/api/v1/workflows/cron-preview').set(...bearer(admin)).expect(400);
  });
});
