import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { CasesService } from '../cases/cases.service';
import { TransactionRunner, type UnitOfWork } from '../database/unit-of-work';
import { eventually, startTestApp, type TestApp, type TestUser } from '../../test/harness';
import type { DomainEvent } from './event-map';
import { MAX_ATTEMPTS, OutboxDispatcher, type DurableEventConsumer } from './outbox-dispatcher.service';

interface EventRow { id: string; name: string; case_id: string; seq: string; processed_at: Date | null; attempts: number; last_error: string | null }

const eventsOf = (t: TestApp, caseId: string) =>
  t.sql<EventRow>('SELECT id, name, case_id, seq, processed_at, attempts, last_error FROM domain_events WHERE case_id = $1 ORDER BY seq', [caseId]);
const pendingCount = async (t: TestApp) =>
  Number((await t.sql<{ n: string }>('SELECT count(*) AS n FROM domain_events WHERE processed_at IS NULL'))[0].n);

/** A durable consumer that writes what it consumed into a scratch table, in the dispatcher's transaction. */
function probe(app: string, extra?: (event: DomainEvent, uow: UnitOfWork) => Promise<void>): DurableEventConsumer {
  return {
    consumerName: `probe-${app}`,
    async consume(event, uow) {
      await extra?.(event, uow);
      await uow.manager.query('INSERT INTO outbox_probe (event_id, case_id, app) VALUES ($1, $2, $3)', [event.id, event.caseId, app]);
    },
  };
}
const createProbeTable = (t: TestApp) =>
  t.sql('CREATE TABLE IF NOT EXISTS outbox_probe (n bigserial PRIMARY KEY, event_id uuid NOT NULL, case_id uuid NOT NULL, app text NOT NULL)');

describe('outbox: events are written with the change, published after commit, processed by the dispatcher', () => {
  let t: TestApp;
  let admin: TestUser;
  const published: DomainEvent[] = [];
  const consumed: DomainEvent[] = [];

  beforeAll(async () => {
    t = await startTestApp();
    admin = await t.makeUser({ role: 'ADMIN' });
    const emitter = t.get(EventEmitter2);
    for (const name of ['case.created', 'case.updated', 'case.status_changed', 'case.assigned', 'case.tagged', 'evidence.uploaded']) {
      emitter.on(name, (event: DomainEvent) => { published.push(event); });
    }
    t.get(OutboxDispatcher).register({ consumerName: 'spy', consume: async (event) => { consumed.push(event); } });
  });
  afterAll(() => t.close());

  it('a transaction that fails after applyChanges leaves no case change, no timeline entry, no event row and publishes nothing', async () => {
    const c = await t.makeCase(admin, { tags: ['x'] });
    await eventually(async () => (await eventsOf(t, c.id)).every((e) => e.processed_at), 5000, 'case.created processed');
    const before = { case: await t.sql('SELECT * FROM cases WHERE id = $1', [c.id]), timeline: await t.sql('SELECT id FROM case_timeline WHERE case_id = $1', [c.id]), events: await eventsOf(t, c.id) };
    published.length = 0;

    let seenInside: EventRow[] = [];
    const attempt = t.get(TransactionRunner).run(async (uow) => {
      const result = await t.get(CasesService).applyChanges(uow, c.id,
        { status: 'IN_PROGRESS', assigneeId: admin.id, addTags: ['y'], title: 'changed' }, { actorId: admin.id });
      expect(result.changed).toBe(true);
      seenInside = await uow.manager.query('SELECT id, name FROM domain_events WHERE case_id = $1 ORDER BY seq', [c.id]);
      throw new Error('boom after the change');
    });
    await expect(attempt).rejects.toThrow('boom after the change');

    // Inside the transaction the events were there, beside the change...
    expect(seenInside.map((e) => e.name)).toEqual(['case.created', 'case.status_changed', 'case.assigned', 'case.tagged', 'case.updated']);
    // ...and the rollback took them with it.
    expect(await t.sql('SELECT * FROM cases WHERE id = $1', [c.id])).toEqual(before.case);
    expect(await t.sql('SELECT id FROM case_timeline WHERE case_id = $1', [c.id])).toEqual(before.timeline);
    expect(await eventsOf(t, c.id)).toEqual(before.events);
    await new Promise((r) => setTimeout(r, 100));
    expect(published).toEqual([]);
    expect(consumed.filter((e) => e.caseId === c.id).map((e) => e.name)).toEqual(['case.created']);
  });

  it('after commit each event is published in-process, in order, once its row is visible to others', async () => {
    const c = await t.makeCase(admin);
    published.length = 0;
    const visibleWhenPublished: Promise<boolean>[] = [];
    const emitter = t.get(EventEmitter2);
    const check = (event: DomainEvent) => {
      // A separate connection from the pool: sees only committed rows.
      visibleWhenPublished.push(t.sql('SELECT 1 FROM domain_events WHERE id = $1', [event.id]).then((rows) => rows.length === 1));
    };
    emitter.on('case.updated', check);
    try {
      await t.get(TransactionRunner).run(async (uow) => {
        await t.get(CasesService).applyChanges(uow, c.id, { status: 'UNDER_REVIEW' }, { actorId: admin.id });
        await t.get(CasesService).applyChanges(uow, c.id, { severity: 'HIGH' }, { actorId: admin.id });
        // Nothing is published before the commit.
        expect(published).toEqual([]);
      });
    } finally {
      emitter.off('case.updated', check);
    }
    const rows = await eventsOf(t, c.id);
    expect(rows.map((e) => e.name)).toEqual(['case.created', 'case.status_changed', 'case.updated', 'case.updated']);
    const mine = published.filter((e) => e.caseId === c.id);
    expect(mine.map((e) => e.id)).toEqual(rows.slice(1).map((e) => e.id));
    expect(mine[0]).toMatchObject({ name: 'case.status_changed', actorId: admin.id, depth: 0, payload: { fromStatus: 'OPEN', toStatus: 'UNDER_REVIEW' } });
    expect(await Promise.all(visibleWhenPublished)).toEqual([true, true]);
  });

  it('the dispatcher hands every committed event to durable consumers once and marks it processed', async () => {
    const c = await t.makeCase(admin);
    await t.http().patch(`/api/v1/cases/${c.id}`).set('Authorization', `Bearer ${admin.token}`).send({ status: 'IN_PROGRESS', tags: ['a'] }).expect(200);
    const rows = await eventually(async () => {
      const r = await eventsOf(t, c.id);
      return r.length === 4 && r.every((e) => e.processed_at) ? r : null;
    }, 5000, 'events processed');
    expect(rows.every((e) => e.attempts === 0 && e.last_error === null)).toBe(true);
    const got = consumed.filter((e) => e.caseId === c.id);
    expect(got.map((e) => e.id)).toEqual(rows.map((e) => e.id));
    expect(got.map((e) => e.name)).toEqual(['case.created', 'case.status_changed', 'case.tagged', 'case.updated']);
    expect(got[1]).toMatchObject({ actorId: admin.id, depth: 0, payload: { fromStatus: 'OPEN', toStatus: 'IN_PROGRESS', case: { id: c.id, status: 'IN_PROGRESS' } } });
  });
});

describe('outbox: crash recovery', () => {
  const apps: TestApp[] = [];
  afterEach(async () => {
    // Second apps first: the first one owns (and drops) the database.
    for (const app of apps.splice(0).reverse()) await app.close();
  });

  it('events left unprocessed by a process that stopped are processed by the next one on the same database', async () => {
    const first = await startTestApp({ env: { OUTBOX_DISPATCHER: 'off' } });
    apps.push(first);
    const admin = await first.makeUser({ role: 'ADMIN' });
    const c = await first.makeCase(admin);
    await first.http().patch(`/api/v1/cases/${c.id}`).set('Authorization', `Bearer ${admin.token}`).send({ status: 'CLOSED' }).expect(200);
    // An event written by a process that died before dispatching it.
    const orphanCase = await first.makeCase(admin);
    const orphan = randomUUID();
    await first.sql(
      `INSERT INTO domain_events (id, name, case_id, actor_id, depth, payload) VALUES ($1, 'case.updated', $2, $3, 0, $4)`,
      [orphan, orphanCase.id, admin.id, JSON.stringify({ case: { id: orphanCase.id }, previous: {}, changedFields: [] })]);
    await new Promise((r) => setTimeout(r, 300));
    // case.created, case.status_changed, case.updated; case.created; the orphan.
    expect(await pendingCount(first)).toBe(5);

    // The next process: register the consumer before its dispatcher starts.
    const second = await startTestApp({ databaseUrl: first.databaseUrl, env: { OUTBOX_DISPATCHER: 'off' } });
    apps.push(second);
    const consumed: string[] = [];
    const dispatcher = second.get(OutboxDispatcher);
    dispatcher.register({ consumerName: 'spy', consume: async (e) => { consumed.push(e.id); } });
    dispatcher.start();
    await eventually(async () => (await pendingCount(second)) === 0, 5000, 'every event processed');
    const all = await second.sql<{ id: string }>('SELECT id FROM domain_events ORDER BY seq');
    expect([...consumed].sort()).toEqual(all.map((r) => r.id).sort());
    expect(consumed).toContain(orphan);
  });

  it('a claim dies with the process that held it: locked rows are skipped, then taken once the holder is gone', async () => {
    const t = await startTestApp({ env: { OUTBOX_DISPATCHER: 'off' } });
    apps.push(t);
    const admin = await t.makeUser({ role: 'ADMIN' });
    const held = await t.makeCase(admin);
    const free = await t.makeCase(admin);
    // Another "process" claims held's event, as the dispatcher does, and then hangs.
    const holder = new Client({ connectionString: t.databaseUrl });
    await holder.connect();
    holder.on('error', () => undefined);
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT id FROM domain_events WHERE case_id = $1 FOR UPDATE', [held.id]);
      const dispatcher = t.get(OutboxDispatcher);
      dispatcher.start();
      await eventually(async () => (await eventsOf(t, free.id)).every((e) => e.processed_at), 5000, 'the free case processed');
      expect((await eventsOf(t, held.id))[0].processed_at).toBeNull();
      // The holder is killed: its transaction and locks are gone.
      const [{ pid }] = (await holder.query('SELECT pg_backend_pid() AS pid')).rows;
      await t.sql('SELECT pg_terminate_backend($1)', [pid]);
      dispatcher.wake();
      await eventually(async () => (await eventsOf(t, held.id)).every((e) => e.processed_at), 5000, 'the held case processed');
    } finally {
      await holder.end().catch(() => undefined);
    }
  });
});

describe('outbox: two processes on one database', () => {
  let a: TestApp;
  let b: TestApp;
  beforeAll(async () => {
    a = await startTestApp({ env: { OUTBOX_DISPATCHER: 'off' } });
    b = await startTestApp({ databaseUrl: a.databaseUrl, env: { OUTBOX_DISPATCHER: 'off' } });
    await createProbeTable(a);
    // A little work per event, so that the processes overlap.
    const slow = async (_e: DomainEvent, uow: UnitOfWork) => { await uow.manager.query('SELECT pg_sleep(0.002)'); };
    a.get(OutboxDispatcher).register(probe('a', slow));
    b.get(OutboxDispatcher).register(probe('b', slow));
    a.get(OutboxDispatcher).start();
    b.get(OutboxDispatcher).start();
  });
  afterAll(async () => {
    await b.close();
    await a.close();
  });

  it('a burst of changes made through both is consumed exactly once, each case in order', async () => {
    const adminA = await a.makeUser({ role: 'ADMIN' });
    // More cases than one batch holds, so that several workers have work at once.
    const cases = await Promise.all(Array.from({ length: 56 }, (_, i) => (i % 2 ? a : b).makeCase(adminA, { title: `burst ${i}` })));
    await Promise.all(cases.map((c, i) => (i % 2 ? b : a).http().patch(`/api/v1/cases/${c.id}`)
      .set('Authorization', `Bearer ${adminA.token}`).send({ status: 'IN_PROGRESS', title: `burst ${i} moved` }).expect(200)));

    await eventually(async () => (await pendingCount(a)) === 0, 20_000, 'the burst processed');
    const events = await a.sql<{ id: string; case_id: string; seq: string }>('SELECT id, case_id, seq FROM domain_events ORDER BY seq');
    const probes = await a.sql<{ event_id: string; case_id: string; app: string }>('SELECT event_id, case_id, app FROM outbox_probe ORDER BY n');
    // 56 × (created + status_changed + updated)
    expect(events).toHaveLength(56 * 3);
    // Exactly once: every event consumed, none twice.
    expect(probes).toHaveLength(events.length);
    expect(new Set(probes.map((p) => p.event_id)).size).toBe(events.length);
    // Per case, consumed in the order the events were recorded.
    for (const c of cases) {
      const recorded = events.filter((e) => e.case_id === c.id).map((e) => e.id);
      const seen = probes.filter((p) => p.case_id === c.id).map((p) => p.event_id);
      expect(seen).toEqual(recorded);
    }
  });
});

describe('outbox: a failing consumer', () => {
  let t: TestApp;
  let admin: TestUser;
  /** Titles of cases whose case.created event the consumer cannot handle, with what it throws. */
  const poisoned = new Map<string, unknown>();

  beforeAll(async () => {
    t = await startTestApp({ env: { OUTBOX_DISPATCHER: 'off' } });
    admin = await t.makeUser({ role: 'ADMIN' });
    await createProbeTable(t);
    t.get(OutboxDispatcher).register(probe('t', async (event) => {
      const title = (event.payload as { case: { title: string } }).case.title;
      if (event.name === 'case.created' && poisoned.has(title)) throw poisoned.get(title);
    }));
    t.get(OutboxDispatcher).start();
  });
  afterAll(() => t.close());

  /** Lets the backoff elapse at once, and wakes the dispatcher. */
  async function skipBackoff(eventId: string): Promise<void> {
    await t.sql(`UPDATE domain_events SET next_attempt_at = now() - interval '1 second' WHERE id = $1 AND processed_at IS NULL`, [eventId]);
    t.get(OutboxDispatcher).wake();
  }

  it('is retried with growing backoff, then set aside after MAX_ATTEMPTS; other cases flow meanwhile and the case resumes in order', async () => {
    const dispatcher = t.get(OutboxDispatcher);
    poisoned.set('sick', new Error('cannot handle case.created'));
    const sick = await t.makeCase(admin, { title: 'sick' });
    const [created] = await eventsOf(t, sick.id);
    await t.http().patch(`/api/v1/cases/${sick.id}`).set('Authorization', `Bearer ${admin.token}`).send({ title: 'still sick' }).expect(200);

    const first = await eventually(async () => {
      const [row] = await t.sql<EventRow & { delay: number }>(
        `SELECT attempts, last_error, processed_at, extract(epoch FROM next_attempt_at - now())::float AS delay FROM domain_events WHERE id = $1`, [created.id]);
      return row.attempts === 1 ? row : null;
    }, 5000, 'the first attempt');
    expect(first.processed_at).toBeNull();
    expect(first.last_error).toBe('cannot handle case.created');
    expect(first.delay).toBeGreaterThan(0);
    expect(first.delay).toBeLessThanOrEqual(1.05);

    // Meanwhile other cases are not blocked, but the sick case's later event waits its turn.
    const healthy = await t.makeCase(admin, { title: 'healthy' });
    await eventually(async () => (await eventsOf(t, healthy.id)).every((e) => e.processed_at), 5000, 'the healthy case processed');
    const sickEvents = await eventsOf(t, sick.id);
    expect(sickEvents.map((e) => e.processed_at)).toEqual([null, null]);

    // Retries: each one waits longer than the one before.
    const delays = [first.delay];
    for (let attempt = 2; attempt <= MAX_ATTEMPTS; attempt++) {
      await skipBackoff(created.id);
      const row = await eventually(async () => {
        const [r] = await t.sql<EventRow & { delay: number }>(
          `SELECT attempts, processed_at, last_error, extract(epoch FROM next_attempt_at - now())::float AS delay FROM domain_events WHERE id = $1`, [created.id]);
        return r.attempts === attempt ? r : null;
      }, 5000, `attempt ${attempt}`);
      delays.push(row.delay);
      if (attempt < MAX_ATTEMPTS) {
        expect({ attempt, processed: row.processed_at }).toEqual({ attempt, processed: null });
        expect(row.delay).toBeGreaterThan(2 ** (attempt - 2));
        expect(row.delay).toBeLessThanOrEqual(2 ** (attempt - 1) + 0.05);
      } else {
        // Set aside: processed, with its error kept for the record.
        expect(row.processed_at).not.toBeNull();
        expect(row.last_error).toBe('cannot handle case.created');
      }
    }
    expect(delays).toEqual([...delays].sort((x, y) => x - y));

    // The case's next event now goes through, and nothing was consumed for the poisoned one.
    await eventually(async () => (await eventsOf(t, sick.id)).every((e) => e.processed_at), 5000, 'the sick case resumes');
    const probes = await t.sql<{ event_id: string }>('SELECT event_id FROM outbox_probe WHERE case_id = $1 ORDER BY n', [sick.id]);
    expect(probes.map((p) => p.event_id)).toEqual([sickEvents[1].id]);
    expect(dispatcher.stats.failed).toBeGreaterThanOrEqual(MAX_ATTEMPTS);
  });

  it('a consumer that throws something that is not an Error fails only its own event', async () => {
    poisoned.set('weird', undefined);
    const weird = await t.makeCase(admin, { title: 'weird' });
    const [created] = await eventsOf(t, weird.id);
    // Two more cases whose events are likely claimed in the same batch.
    const others = [await t.makeCase(admin), await t.makeCase(admin)];
    const row = await eventually(async () => {
      const [r] = await t.sql<EventRow>('SELECT attempts, last_error, processed_at FROM domain_events WHERE id = $1', [created.id]);
      return r.attempts >= 1 ? r : null;
    }, 5000, 'the failed attempt recorded');
    expect(row.last_error).toBeTruthy();
    for (const c of others) {
      await eventually(async () => (await eventsOf(t, c.id)).every((e) => e.processed_at), 5000, 'the other cases processed');
    }
  });
});
