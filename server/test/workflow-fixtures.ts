import { expect } from '@jest/globals';
import { bearer, eventually, type TestApp, type TestUser } from './harness';

export interface RuleInput {
  name?: string;
  triggerType: 'STATUS_CHANGE' | 'TIME_BASED' | 'EVENT' | 'CONDITION';
  triggerConfig: Record<string, unknown>;
  actions?: Array<{ actionType: string; actionConfig: Record<string, unknown>; sequence?: number }>;
  priority?: number;
  stopProcessing?: boolean;
  cooldownSeconds?: number;
  scopeCodes?: string[];
  caseTypes?: string[];
  isEnabled?: boolean;
}

let ruleCounter = 0;

/** Creates a rule through the API (cooldown 0 unless given, so tests can fire rules repeatedly). */
export async function makeRule(t: TestApp, admin: TestUser, input: RuleInput): Promise<any> {
  const res = await t.http().post('/api/v1/workflows/rules').set(...bearer(admin))
    .send({ cooldownSeconds: 0, ...input, name: input.name ?? `rule ${++ruleCounter} ${Math.random().toString(36).slice(2, 7)}` });
  if (res.status !== 201) throw new Error(`rule not created: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

export async function patchCase(t: TestApp, user: TestUser, caseId: string, body: Record<string, unknown>): Promise<any> {
  const res = await t.http().patch(`/api/v1/cases/${caseId}`).set(...bearer(user)).send(body);
  expect(res.status).toBe(200);
  return res.body;
}

/** Waits until every outbox event is processed (the engine is asynchronous). */
export async function settle(t: TestApp, timeoutMs = 15_000): Promise<void> {
  await eventually(async () => {
    const [{ n }] = await t.sql<{ n: string }>('SELECT count(*) AS n FROM domain_events WHERE processed_at IS NULL');
    return Number(n) === 0;
  }, timeoutMs, 'the outbox to drain');
}

export async function historyFor(t: TestApp, filter: { ruleId?: string; caseId?: string }): Promise<any[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  if (filter.ruleId) { params.push(filter.ruleId); where.push(`rule_id = $${params.length}`); }
  if (filter.caseId) { params.push(filter.caseId); where.push(`case_id = $${params.length}`); }
  return t.sql(`SELECT * FROM workflow_history ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY created_at`, params);
}

export async function timelineOf(t: TestApp, caseId: string): Promise<Array<{ kind: string; message: string; rule_id: string | null; actor_id: string | null }>> {
  return t.sql('SELECT kind, message, rule_id, actor_id FROM case_timeline WHERE case_id = $1 ORDER BY created_at, id', [caseId]);
}
