import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { bearer, startTestApp, type TestApp, type TestUser } from '../harness';
import { jsonBlocksOfSection } from './markdown';

/** The rule-writing guide's cookbook is only useful if every rule in it is accepted by the real API as written. */
const guide = readFileSync(resolve('docs/rule-writing.md'), 'utf8');
const cookbook = jsonBlocksOfSection(guide, 'Cookbook').map((text) => JSON.parse(text) as Record<string, unknown> & { name: string });

describe('docs/rule-writing.md cookbook', () => {
  let app: TestApp;
  let admin: TestUser;
  beforeAll(async () => {
    app = await startTestApp({ env: { SCHEDULER: 'off', OUTBOX_DISPATCHER: 'off' } });
    admin = await app.makeUser({ role: 'ADMIN' });
  });
  afterAll(async () => { await app?.close(); });

  it('holds at least ten rules covering every trigger type', () => {
    expect(cookbook.length).toBeGreaterThanOrEqual(10);
    expect(new Set(cookbook.map((r) => r.triggerType))).toEqual(new Set(['STATUS_CHANGE', 'EVENT', 'CONDITION', 'TIME_BASED']));
    expect(new Set(cookbook.map((r) => r.name)).size).toBe(cookbook.length);
  });

  it.each(cookbook.map((rule) => [rule.name, rule] as const))('"%s" is accepted as written (201) and stored as sent', async (_name, rule) => {
    const res = await app.http().post('/api/v1/workflows/rules').set(...bearer(admin)).send(rule);
    expect({ status: res.status, body: res.status === 201 ? undefined : res.body }).toEqual({ status: 201, body: undefined });
    expect(res.body).toMatchObject({ name: rule.name, triggerType: rule.triggerType, triggerConfig: rule.triggerConfig });
    const actions = (rule.actions as Array<{ actionType: string; actionConfig: unknown }>) ?? [];
    // Same actions in the same order; the server may fill in defaults (e.g. a notification's priority).
    expect(res.body.actions).toMatchObject(actions.map((a) => ({ actionType: a.actionType, actionConfig: a.actionConfig })));
  });
});
