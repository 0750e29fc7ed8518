import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { OutboxDispatcher } from '../../events/outbox-dispatcher.service';
import { bearer, eventually, startTestApp, type TestApp, type TestUser } from '../../../test/harness';
import { makeRule, timelineOf } from '../../../test/workflow-fixtures';

/**
 * CONTRACT §12 dead letters: an event that fails on every attempt is set aside, listed for admins with its
 * error, case and payload, announced to every admin once, counted in /metrics; a retry after the cause is
 * fixed runs its rules exactly once; a dismissed one leaves the list. Two attempts, 10 ms apart, here.
 */
describe('dead letters', () => {
  let t: TestApp;
  let admin: TestUser;
  let otherAdmin: TestUser;
  let rule: any;
  /** Titles of cases whose events the test consumer cannot handle. */
  const poisoned = new Set<string>();

  beforeAll(async () => {
    t = await startTestApp({ env: { OUTBOX_DISPATCHER: 'off', SCHEDULER: 'off', OUTBOX_MAX_ATTEMPTS: '2', OUTBOX_RETRY_BASE_MS: '10' } });
    admin = await t.makeUser({ role: 'ADMIN' });
    otherAdmin = await t.makeUser({ role: 'ADMIN' });
    rule = await makeRule(t, admin, {
      name: 'Log new cases', triggerType: 'EVENT', triggerConfig: { event: 'case.created' }, scopeCodes: ['DL'],
      actions: [{ actionType: 'CREATE_TIMELINE', actionConfig: { message: 'logged by rule' } }],
    });
    // Runs in the same unit as the engine, so its failure rolls the rules' work back too.
    t.get(OutboxDispatcher).register({
      consumerName: 'poison', consume: async (event) => {
        const title = (event.payload as { case: { title: string } }).case.title;
        if (poisoned.has(title)) throw new Error(`downstream refused ${title}`);
      },
    });
    t.get(OutboxDispatcher).start();
  });
  afterAll(() => t?.close());

  const list = async () => (await t.http().get('/api/v1/workflows/dead-letters').set(...bearer(admin)).expect(200)).body;
  const metric = async (name: string) => {
    const text = (await t.http().get('/metrics').expect(200)).text;
    const line = text.split('\n').find((l) => l.startsWith(`${name} `));
    return line ? Number(line.split(' ')[1]) : undefined;
  };
  const notificationsAbout = (user: TestUser, eventId: string) =>
    t.sql<{ title: string; message: string; link_url: string }>('SELECT title, message, link_url FROM notifications WHERE user_id = $1 AND entity_id = $2', [user.id, eventId]);
  const ruleLines = async (caseId: string) => (await timelineOf(t, caseId)).filter((l) => l.rule_id === rule.id);

  async function deadLetterFor(title: string): Promise<{ caseId: string; eventId: string; caseNumber: string }> {
    poisoned.add(title);
    const c = await t.makeCase(admin, { scopeCode: 'DL', title });
    const [{ id }] = await t.sql<{ id: string }>('SELECT id FROM domain_events WHERE case_id = $1 ORDER BY seq LIMIT 1', [c.id]);
    await eventually(async () => (await t.sql('SELECT 1 FROM domain_events WHERE id = $1 AND dead_lettered_at IS NOT NULL', [id])).length > 0,
      10_000, 'the event set aside');
    return { caseId: c.id, eventId: id, caseNumber: c.caseNumber };
  }

  it('lists a set-aside event with its error, case and payload, tells every admin once and counts it in /metrics', async () => {
    const { caseId, eventId, caseNumber } = await deadLetterFor('sick case');
    const body = await list();
    expect(body.total).toBe(1);
    expect(body.items[0]).toMatchObject({
      id: eventId, eventName: 'case.created', caseId, caseNumber, attempts: 2, error: 'downstream refused sick case',
      createdAt: expect.any(String), payload: { case: expect.objectContaining({ id: caseId, title: 'sick case' }) },
    });
    // Its rule did not run: the failed attempts kept nothing.
    expect(await ruleLines(caseId)).toEqual([]);
    for (const who of [admin, otherAdmin]) {
      const [n, ...more] = await notificationsAbout(who, eventId);
      expect(more).toEqual([]);
      expect(n.title).toContain(caseNumber);
      expect(n.message).toContain('downstream refused sick case');
      expect(n.link_url).toBe('/dead-letters');
    }
    expect(await metric('acos_events_dead_lettered_total')).toBe(1);
    expect(await metric('acos_dead_letters_open')).toBe(1);
    expect((await t.http().get('/api/v1/workflows/stats').set(...bearer(admin)).expect(200)).body.deadLettersOpen).toBe(1);
    const investigator = await t.makeUser({ role: 'INVESTIGATOR' });
    await t.http().get('/api/v1/workflows/dead-letters').set(...bearer(investigator)).expect(403);
  });

  it('a retry after the cause is fixed processes the event once: its rules run once, and it leaves the list', async () => {
    const [{ id: eventId, caseId }] = (await list()).items;
    poisoned.delete('sick case');
    const res = await t.http().post(`/api/v1/workflows/dead-letters/${eventId}/retry`).set(...bearer(admin)).expect(200);
    expect(res.body).toMatchObject({ id: eventId, caseId });
    await eventually(async () => (await t.sql('SELECT 1 FROM domain_events WHERE id = $1 AND processed_at IS NOT NULL', [eventId])).length > 0,
      10_000, 'the retried event processed');
    expect((await ruleLines(caseId)).map((l) => l.message)).toEqual(['logged by rule']);
    expect(await t.sql('SELECT success FROM workflow_history WHERE event_id = $1 AND rule_id = $2', [eventId, rule.id])).toEqual([{ success: true }]);
    expect((await list()).total).toBe(0);
    expect(await metric('acos_dead_letters_open')).toBe(0);
    expect((await t.http().get('/api/v1/workflows/stats').set(...bearer(admin)).expect(200)).body.deadLettersOpen).toBe(0);
    // Gone from the list: retrying or dismissing it again finds nothing.
    await t.http().post(`/api/v1/workflows/dead-letters/${eventId}/retry`).set(...bearer(admin)).expect(404);
    await t.http().post(`/api/v1/workflows/dead-letters/${eventId}/dismiss`).set(...bearer(admin)).expect(404);
    const audit = (await t.http().get(`/api/v1/audit-log?action=DEAD_LETTER_RETRIED&targetId=${eventId}`).set(...bearer(admin)).expect(200)).body;
    expect(audit.items).toEqual([expect.objectContaining({ actorId: admin.id })]);
  });

  it('a retried event does not run a rule that already ran for it', async () => {
    const second = await makeRule(t, admin, {
      name: 'Tag new cases', triggerType: 'EVENT', triggerConfig: { event: 'case.created' }, scopeCodes: ['DL'], priority: 200,
      actions: [{ actionType: 'CREATE_TIMELINE', actionConfig: { message: 'second rule' } }],
    });
    const { caseId, eventId, caseNumber } = await deadLetterFor('half done');
    // As if the first rule's run had been kept (an earlier release, or a hand repair): its history row exists.
    await t.sql(
      `INSERT INTO workflow_history (rule_id, rule_name, case_id, case_number, event_id, event_name, trigger_data, depth, actions_executed, success, duration_ms)
       VALUES ($1, 'Log new cases', $2, $3, $4, 'case.created', '{}', 0, '[]', true, 1)`, [rule.id, caseId, caseNumber, eventId]);
    poisoned.delete('half done');
    await t.http().post(`/api/v1/workflows/dead-letters/${eventId}/retry`).set(...bearer(admin)).expect(200);
    await eventually(async () => (await t.sql('SELECT 1 FROM domain_events WHERE id = $1 AND processed_at IS NOT NULL', [eventId])).length > 0,
      10_000, 'the retried event processed');
    const lines = (await timelineOf(t, caseId)).filter((l) => l.kind === 'WORKFLOW').map((l) => l.message);
    expect(lines).toEqual(['second rule']);
    expect(await t.sql('SELECT rule_id FROM workflow_history WHERE event_id = $1 ORDER BY rule_id', [eventId]))
      .toEqual(expect.arrayContaining([{ rule_id: rule.id }, { rule_id: second.id }]));
    await t.http().delete(`/api/v1/workflows/rules/${second.id}`).set(...bearer(admin)).expect(204);
  });

  it('an event that fails again after a retry is set aside again without a second notice; dismiss removes it', async () => {
    const { eventId, caseId } = await deadLetterFor('hopeless');
    await t.http().post(`/api/v1/workflows/dead-letters/${eventId}/retry`).set(...bearer(admin)).expect(200);
    await eventually(async () => (await t.sql('SELECT 1 FROM domain_events WHERE id = $1 AND dead_letter_count = 2 AND dead_lettered_at IS NOT NULL', [eventId])).length > 0,
      10_000, 'the event set aside a second time');
    expect(await notificationsAbout(admin, eventId)).toHaveLength(1);
    expect((await list()).items.map((d: { id: string }) => d.id)).toEqual([eventId]);

    const res = await t.http().post(`/api/v1/workflows/dead-letters/${eventId}/dismiss`).set(...bearer(admin)).expect(200);
    expect(res.body).toMatchObject({ id: eventId, error: 'downstream refused hopeless' });
    expect((await list()).total).toBe(0);
    expect(await ruleLines(caseId)).toEqual([]);
    expect(await metric('acos_dead_letters_open')).toBe(0);
    await t.http().post(`/api/v1/workflows/dead-letters/${eventId}/dismiss`).set(...bearer(admin)).expect(404);
  });
});
