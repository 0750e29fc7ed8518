import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { bearer, startTestApp, type TestApp, type TestUser } from '../../../test/harness';

describe('rules list: server-side paging and name search past 200 rules', () => {
  let t: TestApp;
  let admin: TestUser;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await t.makeUser({ role: 'ADMIN' });
    // 250 rules in one import: "Escalate 000" … "Escalate 239", plus ten with wildcard characters in their names.
    const rules = [
      ...Array.from({ length: 240 }, (_, i) => ({ name: `Escalate ${String(i).padStart(3, '0')}`, priority: i })),
      ...Array.from({ length: 10 }, (_, i) => ({ name: `Odd_name 100% ${i}`, priority: 1000 + i })),
    ].map((r) => ({ ...r, triggerType: 'EVENT', triggerConfig: { event: 'case.created' }, isEnabled: r.priority % 2 === 0 }));
    await t.http().post('/api/v1/workflows/rules/import').set(...bearer(admin)).send({ rules }).expect(201);
  });
  afterAll(() => t.close());

  const list = async (qs: string) => (await t.http().get(`/api/v1/workflows/rules?${qs}`).set(...bearer(admin)).expect(200)).body;

  it('pages through every rule in priority order, with the exact total', async () => {
    const first = await list('limit=200');
    expect(first.total).toBe(250);
    expect(first.items).toHaveLength(200);
    const rest = await list('limit=200&offset=200');
    expect(rest).toMatchObject({ total: 250 });
    expect(rest.items).toHaveLength(50);
    const names = [...first.items, ...rest.items].map((r: any) => r.name);
    expect(new Set(names).size).toBe(250);
    expect(names.slice(0, 3)).toEqual(['Escalate 000', 'Escalate 001', 'Escalate 002']);
    expect(names.at(-1)).toBe('Odd_name 100% 9');
    // The default page is the contract's 50.
    expect((await list('')).items).toHaveLength(50);
    expect((await list('offset=245&limit=10')).items.map((r: any) => r.name)).toHaveLength(5);
    expect(await list('offset=400')).toEqual({ items: [], total: 250 });
  });

  it('searches names case-insensitively on the server, combined with the other filters and paging', async () => {
    const hits = await list('q=escalate%2021&limit=5');
    expect(hits.total).toBe(10); // Escalate 210 … 219
    expect(hits.items.map((r: any) => r.name)).toEqual(['Escalate 210', 'Escalate 211', 'Escalate 212', 'Escalate 213', 'Escalate 214']);
    expect((await list('q=ESCALATE%2021&limit=5&offset=5')).items[0].name).toBe('Escalate 215');
    expect((await list('q=escalate%2021&isEnabled=true')).total).toBe(5);
    // % and _ are literal characters, not wildcards.
    expect((await list('q=100%25')).total).toBe(10);
    expect((await list('q=e_name')).total).toBe(0);
    expect((await list('q=d_name')).total).toBe(10);
    expect((await list('q=%20%20')).total).toBe(250); // blank: no filter
    expect(await list('q=nothing-like-it')).toEqual({ items: [], total: 0 });
    await t.http().get(`/api/v1/workflows/rules?q=${'x'.repeat(201)}`).set(...bearer(admin)).expect(400);
    await t.http().get('/api/v1/workflows/rules?limit=201').set(...bearer(admin)).expect(400);
  });
});
