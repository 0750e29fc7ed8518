import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { get as httpGet } from 'node:http';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { DataSource } from 'typeorm';
import { bearer, startTestApp, type TestApp, type TestUser } from '../../../test/harness';
import { makeRule, settle } from '../../../test/workflow-fixtures';

/** Rows for the volume test; HISTORY_EXPORT_ROWS=1000000 for the full run (done by hand, see the README). */
const VOLUME = Number(process.env.HISTORY_EXPORT_ROWS ?? 200_000);

describe('history filters and CSV export', () => {
  let t: TestApp;
  let admin: TestUser;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await t.makeUser({ role: 'ADMIN' });
  });
  afterAll(() => t.close());

  const get = async (qs: string) => (await t.http().get(`/api/v1/workflows/history?${qs}`).set(...bearer(admin)).expect(200)).body;

  it('filters by case number and by rule name (contains, any case, wildcards literal); the export has the same rows as RFC 4180 CSV', async () => {
    const quoted = await makeRule(t, admin, { name: 'Intake, "fast" lane', scopeCodes: ['EXP'], triggerType: 'EVENT', triggerConfig: { event: 'case.created' },
      actions: [{ actionType: 'ADD_TAG', actionConfig: { tag: 'seen' } }] });
    const other = await makeRule(t, admin, { name: 'Other 100% rule', scopeCodes: ['EXP'], triggerType: 'EVENT', triggerConfig: { event: 'case.created' },
      actions: [{ actionType: 'CREATE_TIMELINE', actionConfig: { message: 'line one\nline two' } }] });
    const c1 = await t.makeCase(admin, { scopeCode: 'EXP' });
    const c2 = await t.makeCase(admin, { scopeCode: 'EXP' });
    await settle(t);

    const byCase = await get(`caseNumber=${c1.caseNumber.toLowerCase()}`);
    expect(byCase.items.map((h: any) => h.ruleId).sort()).toEqual([quoted.id, other.id].sort());
    expect(byCase.items.every((h: any) => h.caseId === c1.id)).toBe(true);
    expect((await get(`q=${encodeURIComponent('"FAST" LANE')}`)).items.map((h: any) => h.ruleId)).toEqual([quoted.id, quoted.id]);
    expect((await get('q=100%25')).items.map((h: any) => h.ruleId)).toEqual([other.id, other.id]);
    expect((await get('q=1%25%25')).total).toBe(0); // "%" is no wildcard
    expect((await get(`q=fast&caseNumber=${c2.caseNumber}`)).items.map((h: any) => [h.ruleId, h.caseId])).toEqual([[quoted.id, c2.id]]);

    // A renamed rule: its runs are found by the name they ran under, not by the new one; a deleted rule's runs stay findable.
    await t.http().patch(`/api/v1/workflows/rules/${quoted.id}`).set(...bearer(admin)).send({ name: 'Renamed intake' }).expect(200);
    const c3 = await t.makeCase(admin, { scopeCode: 'EXP' });
    await settle(t);
    expect((await get('q=FAST')).items.map((h: any) => h.caseId).sort()).toEqual([c1.id, c2.id].sort());
    expect((await get('q=renamed')).items.map((h: any) => [h.ruleName, h.caseId])).toEqual([['Renamed intake', c3.id]]);
    await t.http().delete(`/api/v1/workflows/rules/${other.id}`).set(...bearer(admin)).expect(204);
    expect((await get('q=100%25')).total).toBe(3);

    const res = await t.http().get(`/api/v1/workflows/history/export?caseNumber=${c1.caseNumber}`).set(...bearer(admin)).buffer(true)
      .parse((r, done) => { let text = ''; r.setEncoding('utf8'); r.on('data', (c: string) => { text += c; }); r.on('end', () => done(null, text)); })
      .expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="workflow-history-[\d-]+\.csv"$/);
    const text = res.body as string;
    expect(text.startsWith('id,createdAt,ruleId,ruleName,caseId,caseNumber,eventId,eventName,success,skippedReason,errorMessage,depth,durationMs,retryOf,actionsExecuted\r\n')).toBe(true);
    expect(text).toContain(`,"Intake, ""fast"" lane",${c1.id},${c1.caseNumber},`);
    // The actions column is JSON in one quoted field, its quotes doubled.
    expect(text).toContain('""detail"":""timeline: line one\\nline two""');
    expect(text.endsWith('\r\n')).toBe(true);

    await t.http().get('/api/v1/workflows/history/export?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z').set(...bearer(admin)).expect(400);
    await t.http().get('/api/v1/workflows/history/export?success=maybe').set(...bearer(admin)).expect(400);
  });

  it(`exports ${VOLUME} rows, every one, while the server's memory stays flat (measured, printed)`, async () => {
    const db = t.get(DataSource);
    const before = Number((await db.query('SELECT count(*) AS n FROM workflow_history'))[0].n);
    // In slices: one statement of a million rows would outlast the pool's query timeout on a small machine.
    for (let from = 1; from <= VOLUME; from += 25_000) await db.query(`
      INSERT INTO workflow_history (rule_id, rule_name, case_id, case_number, event_id, event_name, trigger_data, actions_executed, success, created_at)
      SELECT gen_random_uuid(), 'Bulk rule ' || (g % 20), gen_random_uuid(), 'BLK-2026-' || lpad((g % 9999)::text, 4, '0'), gen_random_uuid(),
             'case.updated', '{"depth": 0}', '[{"actionType":"ADD_TAG","success":true,"detail":"tag bulk added"}]', true,
             now() - make_interval(secs => g)
        FROM generate_series($1::int, $2::int) g`, [from, Math.min(VOLUME, from + 24_999)]);
    const base = process.memoryUsage();
    let peakRss = base.rss;
    // Heap peaks in the first and the second half of the rows: held rows would make the second half's far higher.
    const sampler = setInterval(() => { peakRss = Math.max(peakRss, process.memoryUsage().rss); }, 25);
    // What stays alive: the heap right after a forced full collection, ten times along the rows (the server runs in this process).
    setFlagsFromString('--expose-gc');
    const collect = runInNewContext('gc') as () => void;
    const liveAfterGc: number[][] = [[], []];
    let checkpoint = VOLUME / 10;
    const started = Date.now();
    // Read as a stream and count record ends without keeping the text: the client must not be what holds it.
    const { lines, bytes } = await new Promise<{ lines: number; bytes: number }>((resolve, reject) => {
      httpGet(`${t.url}/api/v1/workflows/history/export`, { headers: { authorization: `Bearer ${admin.token}` } }, (res) => {
        if (res.statusCode !== 200) reject(new Error(`status ${res.statusCode}`));
        let count = 0;
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) count++;
          if (count >= checkpoint) {
            checkpoint += VOLUME / 10;
            collect();
            liveAfterGc[count < VOLUME / 2 ? 0 : 1].push(process.memoryUsage().heapUsed);
          }
        });
        res.on('end', () => resolve({ lines: count, bytes: size }));
        res.on('error', reject);
      }).on('error', reject);
    });
    clearInterval(sampler);
    const live = liveAfterGc.map((xs) => (xs.length ? Math.max(...xs) : 0));
    const mb = (n: number) => Math.round(n / 1048576);
    console.log(`history export: ${lines - 1} rows, ${mb(bytes)} MB in ${Date.now() - started} ms; ` +
      `heap ${mb(base.heapUsed)} MB, live after forced full GCs ≤ ${mb(live[0])} MB (first half, ${liveAfterGc[0].length} GCs) / ≤ ${mb(live[1])} MB ` +
      `(second half, ${liveAfterGc[1].length} GCs); rss ${mb(base.rss)} → peak ${mb(peakRss)} MB`);
    expect(lines).toBe(1 + before + VOLUME);
    // Flat: the second half adds no more than GC noise over the first (held rows would add their half of the CSV and more).
    expect(liveAfterGc.map((xs) => xs.length > 0)).toEqual([true, true]);
    expect(live[1] - live[0]).toBeLessThan(Math.max(32 * 1048576, bytes / 4));
  }, Math.max(300_000, VOLUME * 1.5)); // a loaded 2-core machine needs about 0.5 ms a row, insert included
});
