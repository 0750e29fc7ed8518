import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Response } from 'supertest';
import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { eventually, startTestApp, type TestApp, type TestUser } from '../harness';
import { SERVER_ENTRY, startServerProcess } from '../server-process';
import { OpenApiValidator } from './openapi-validator';

/**
 * /api/docs-json must describe what the server really does: the main API flows run against a real
 * server and every response — successes and errors alike — is checked against the schema the
 * document gives for its route and status. An undocumented status or a field the schema does not
 * know fails, so the document cannot drift from the code.
 */
type Doc = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('OpenAPI document', () => {
  let app: TestApp;
  let doc: Doc;
  let validator: OpenApiValidator;
  let admin: TestUser;
  let investigator: TestUser;
  let viewer: TestUser;
  const problems: string[] = [];

  beforeAll(async () => {
    // Private addresses allowed: the webhook points at a loopback port, as tests must (no outside traffic).
    app = await startTestApp({ env: { SCHEDULER: 'off', WEBHOOK_ALLOW_PRIVATE: 'true' } });
    admin = await app.makeUser({ role: 'ADMIN' });
    investigator = await app.makeUser({ role: 'INVESTIGATOR' });
    viewer = await app.makeUser({ role: 'VIEWER' });
    doc = (await app.http().get('/api/docs-json').expect(200)).body;
    validator = new OpenApiValidator(doc);
  });
  afterAll(async () => { await app?.close(); });

  /** One request through a route template ("/api/v1/cases/{id}"), its answer checked against the document. */
  async function call(
    method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', template: string,
    opts: { params?: Record<string, string | number>; as?: TestUser | null; body?: unknown; query?: Record<string, string>; raw?: (r: ReturnType<ReturnType<TestApp['http']>['post']>) => ReturnType<ReturnType<TestApp['http']>['post']> } = {},
  ): Promise<Response> {
    const path = template.replace(/\{(\w+)\}/g, (_, name: string) => String(opts.params?.[name]));
    let req = app.http()[method.toLowerCase() as 'get'](path);
    const user = opts.as === undefined ? admin : opts.as;
    if (user) req = req.set('Authorization', `Bearer ${user.token}`);
    if (opts.query) req = req.query(opts.query);
    if (opts.raw) req = opts.raw(req);
    else if (opts.body !== undefined) req = req.send(opts.body as object);
    const res = await req;
    const body = res.type === 'application/json' ? res.body : undefined;
    problems.push(...validator.check(method, template, res.status, res.headers['content-type'], body));
    return res;
  }

  it('describes every route with responses, errors and the error shape, and links nowhere outside', () => {
    expect(doc['x-undocumented-routes']).toBeUndefined();
    expect(JSON.stringify(doc)).not.toMatch(/CONTRACT\.md|\.\.\/shared/);
    for (const [path, item] of Object.entries(doc.paths as Record<string, Record<string, Doc>>)) {
      for (const [method, op] of Object.entries(item)) {
        const statuses = Object.keys(op.responses);
        const where = `${method.toUpperCase()} ${path}`;
        // A redirect is the success of the sign-on routes.
        expect({ where, success: statuses.some((s) => /^[23]/.test(s)) }).toEqual({ where, success: true });
        expect({ where, errors: statuses.some((s) => /^[45]/.test(s)) }).toEqual({ where, errors: true });
        for (const s of statuses.filter((x) => /^[45]/.test(x))) {
          expect(op.responses[s].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/ErrorBody' });
        }
      }
    }
  });

  it('types rule configurations as unions discriminated by triggerType and actionType, and describes the socket events', () => {
    const schemas = doc.components.schemas;
    expect(schemas.Rule.discriminator.propertyName).toBe('triggerType');
    expect(Object.keys(schemas.Rule.discriminator.mapping).sort()).toEqual(['CONDITION', 'EVENT', 'STATUS_CHANGE', 'TIME_BASED']);
    expect(schemas.RuleAction.discriminator.propertyName).toBe('actionType');
    expect(doc.paths['/api/v1/workflows/rules'].post.requestBody.content['application/json'].schema.$ref).toMatch(/CreateRuleDto$/);
    expect(schemas.CreateRuleDto).toEqual({ $ref: '#/components/schemas/RuleInput' });
    expect(schemas.RuleInputTimeBased.properties.triggerConfig.required).toEqual(['cron', 'conditions']);
    expect(Object.keys(doc['x-socket-events'].events).sort()).toEqual(['case:updated', 'notification', 'notifications:unread-count', 'workflow:backtest-progress', 'workflow:history']);
    expect(doc.info.description).toContain('case:updated');
  });

  it('real responses of the main flows match the document', async () => {
    await call('GET', '/api/v1/health', { as: null });
    const login = await call('POST', '/api/v1/auth/login', { as: null, body: { email: investigator.email, password: investigator.password } });
    expect(login.status).toBe(200);
    await call('POST', '/api/v1/auth/login', { as: null, body: { email: investigator.email, password: 'wrong-password-123' } });
    await call('POST', '/api/v1/auth/login', { as: null, body: { email: 'x@y.z' } });
    await call('GET', '/api/v1/auth/me', { as: investigator });
    await call('GET', '/api/v1/auth/me', { as: null });

    await call('GET', '/api/v1/users');
    await call('GET', '/api/v1/users', { as: viewer });
    const created = await call('POST', '/api/v1/users', { body: { email: 'new.auditor@test.local', name: 'New Auditor', role: 'VIEWER', password: 'a-long-enough-passphrase-42' } });
    expect(created.status).toBe(201);
    await call('POST', '/api/v1/users', { body: { email: 'new.auditor@test.local', name: 'Again', role: 'VIEWER', password: 'a-long-enough-passphrase-42' } });
    await call('POST', '/api/v1/users', { as: viewer, body: { email: 'v@test.local', name: 'V', role: 'VIEWER', password: 'a-long-enough-passphrase-42' } });
    await call('PATCH', '/api/v1/users/{id}', { params: { id: created.body.id }, body: { name: 'Renamed Auditor', scopeCodes: ['FIN'] } });
    await call('PATCH', '/api/v1/users/{id}', { params: { id: created.body.id }, body: { role: 'OWNER' } });

    const kase = await call('POST', '/api/v1/cases', { as: investigator, body: { title: 'Duplicate vendor payments', caseType: 'AUDIT', scopeCode: 'FIN', tags: ['Vendors'], dueDate: '2027-01-31' } });
    expect(kase.status).toBe(201);
    const id = kase.body.id as string;
    await call('POST', '/api/v1/cases', { as: viewer, body: { title: 'x', caseType: 'AUDIT', scopeCode: 'FIN' } });
    await call('POST', '/api/v1/cases', { as: investigator, body: { title: 'x', caseType: 'AUDIT', scopeCode: 'FIN', color: 'red' } });
    await call('POST', '/api/v1/cases', { as: investigator, raw: (r) => r.set('Content-Type', 'text/plain').send('title=x') });
    await call('GET', '/api/v1/cases', { query: { status: 'OPEN', limit: '5' } });
    await call('GET', '/api/v1/cases/{id}', { params: { id } });
    await call('GET', '/api/v1/cases/{id}', { params: { id: '00000000-0000-4000-8000-000000000000' } });
    await call('GET', '/api/v1/cases/{id}', { params: { id: 'not-a-uuid' } });
    await call('PATCH', '/api/v1/cases/{id}', { as: investigator, params: { id }, body: { status: 'IN_PROGRESS', severity: 'HIGH', assigneeId: investigator.id } });
    await call('GET', '/api/v1/cases/{id}/timeline', { params: { id } });

    const upload = await call('POST', '/api/v1/cases/{id}/evidence', {
      as: investigator, params: { id }, raw: (r) => r.field('description', 'ledger extract').attach('file', Buffer.from('a,b\n1,2\n'), 'ledger.csv'),
    });
    expect(upload.status).toBe(201);
    await call('GET', '/api/v1/cases/{id}/evidence', { params: { id } });
    await call('GET', '/api/v1/evidence/{id}/download', { params: { id: upload.body.id } });

    await call('GET', '/api/v1/workflows/meta');
    await call('GET', '/api/v1/workflows/meta', { as: investigator });
    const rule = await call('POST', '/api/v1/workflows/rules', {
      body: {
        name: 'Review hand-off', triggerType: 'STATUS_CHANGE', triggerConfig: { toStatus: ['UNDER_REVIEW'] }, cooldownSeconds: 0,
        actions: [
          { actionType: 'SEND_NOTIFICATION', actionConfig: { recipients: ['ASSIGNEE', 'OWNER'], title: '{{case.caseNumber}} to review', message: 'by {{actor.name}}' } },
          { actionType: 'ADD_TAG', actionConfig: { tag: 'needs-review' } },
        ],
      },
    });
    expect(rule.status).toBe(201);
    const ruleId = rule.body.id as string;
    for (const body of [
      { name: 'Critical', triggerType: 'CONDITION', triggerConfig: { match: 'ANY', conditions: [{ field: 'severity', op: 'eq', value: 'CRITICAL' }] }, actions: [{ actionType: 'ASSIGN_USER', actionConfig: { strategy: 'LEAST_LOADED', role: 'INVESTIGATOR' } }] },
      { name: 'Nightly', triggerType: 'TIME_BASED', triggerConfig: { cron: '0 2 * * *', conditions: [{ field: 'status', op: 'eq', value: 'CLOSED' }] }, actions: [{ actionType: 'CHANGE_STATUS', actionConfig: { status: 'ARCHIVED' } }] },
      { name: 'Evidence', triggerType: 'EVENT', triggerConfig: { event: 'evidence.uploaded' }, isEnabled: false, actions: [{ actionType: 'CREATE_TIMELINE', actionConfig: { message: '{{evidence.filename}}' } }, { actionType: 'ASSIGN_USER', actionConfig: { userId: investigator.id } }] },
    ]) await call('POST', '/api/v1/workflows/rules', { body });
    await call('POST', '/api/v1/workflows/rules', { body: { name: 'Review hand-off', triggerType: 'EVENT', triggerConfig: { event: 'case.created' } } });
    await call('POST', '/api/v1/workflows/rules', { body: { name: 'Bad cron', triggerType: 'TIME_BASED', triggerConfig: { cron: 'every day', conditions: [{ field: 'status', op: 'eq', value: 'OPEN' }] } } });
    await call('GET', '/api/v1/workflows/rules', { query: { triggerType: 'STATUS_CHANGE' } });
    await call('GET', '/api/v1/workflows/rules/{id}', { params: { id: ruleId } });
    await call('PATCH', '/api/v1/workflows/rules/{id}', { params: { id: ruleId }, body: { priority: 10, description: 'Reviewers should not poll' } });
    await call('POST', '/api/v1/workflows/rules/{id}/toggle', { params: { id: ruleId } });
    const toggled = await call('POST', '/api/v1/workflows/rules/{id}/toggle', { params: { id: ruleId } });
    const replacement = {
      name: 'Review hand-off', triggerType: 'STATUS_CHANGE', triggerConfig: { toStatus: ['UNDER_REVIEW'] }, cooldownSeconds: 0, priority: 10,
      actions: [{ actionType: 'SEND_NOTIFICATION', actionConfig: { recipients: ['ASSIGNEE', 'OWNER'], title: '{{case.caseNumber}} to review', message: 'by {{actor.name}}' } }],
    };
    const etag = toggled.headers.etag as string;
    expect(etag).toMatch(/^"\d+"$/);
    await call('PUT', '/api/v1/workflows/rules/{id}', { params: { id: ruleId }, body: replacement, raw: (r) => r.set('If-Match', etag).send(replacement) });
    const stale = await call('PUT', '/api/v1/workflows/rules/{id}', { params: { id: ruleId }, raw: (r) => r.set('If-Match', etag).send(replacement) });
    expect(stale.status).toBe(412);
    const action = await call('POST', '/api/v1/workflows/rules/{id}/actions', { params: { id: ruleId }, body: { actionType: 'CREATE_TIMELINE', actionConfig: { message: 'Review requested' } } });
    await call('PATCH', '/api/v1/workflows/rules/{id}/actions/{actionId}', { params: { id: ruleId, actionId: action.body.id }, body: { sequence: 50 } });
    await call('DELETE', '/api/v1/workflows/rules/{id}/actions/{actionId}', { params: { id: ruleId, actionId: action.body.id } });
    await call('POST', '/api/v1/workflows/rules/{id}/test', { params: { id: ruleId }, body: { caseId: id, event: { name: 'case.status_changed', fromStatus: 'IN_PROGRESS', toStatus: 'UNDER_REVIEW' } } });
    const revisions = await call('GET', '/api/v1/workflows/rules/{id}/revisions', { params: { id: ruleId } });
    await call('POST', '/api/v1/workflows/rules/{id}/revisions/{revision}/restore', { params: { id: ruleId, revision: revisions.body.items.at(-1).revision } });
    await call('GET', '/api/v1/workflows/rules/export');
    await call('POST', '/api/v1/workflows/rules/import', { body: { rules: [{ name: 'Imported', triggerType: 'EVENT', triggerConfig: { event: 'case.tagged' }, actions: [] }] } });

    // A real run: the rule fires on the status change, writes history and notifies.
    await call('PATCH', '/api/v1/cases/{id}', { as: investigator, params: { id }, body: { status: 'UNDER_REVIEW' } });
    const run = await eventually(async () => (await app.http().get('/api/v1/workflows/history').query({ ruleId }).set('Authorization', `Bearer ${admin.token}`)).body.items?.[0], 10_000, 'the rule run');
    await call('GET', '/api/v1/workflows/history', { query: { ruleId } });
    await call('POST', '/api/v1/workflows/history/{id}/retry', { params: { id: run.id } });
    const events = await call('GET', '/api/v1/workflows/events', { query: { caseId: id } });
    await call('GET', '/api/v1/workflows/events/{id}/trace', { params: { id: events.body.items[0].id } });
    await call('GET', '/api/v1/workflows/stats');
    const backtest = await call('POST', '/api/v1/workflows/rules/backtest', { body: { ruleId, days: 2 } });
    expect(backtest.body.eventsMatched).toBeGreaterThan(0);
    await call('POST', '/api/v1/workflows/rules/backtest', { body: { rule: { name: 'Tick', triggerType: 'TIME_BASED', triggerConfig: { cron: '0 8 * * *', conditions: [] } }, days: 1 } });
    await call('POST', '/api/v1/workflows/rules/backtest', { body: { ruleId, days: 0 } });

    // Self-protection: templates, a paused rule resumed, a dead letter listed, retried, and gone.
    await call('GET', '/api/v1/workflows/templates');
    await app.sql(`UPDATE workflow_rules SET paused_at = now(), paused_reason = 'Paused after 5 consecutive failures; last error: x', consecutive_failures = 5 WHERE id = $1`, [ruleId]);
    await call('GET', '/api/v1/workflows/rules/{id}', { params: { id: ruleId } });
    await call('POST', '/api/v1/workflows/rules/{id}/resume', { params: { id: ruleId } });
    await call('POST', '/api/v1/workflows/rules/{id}/resume', { params: { id: ruleId } });
    await app.sql(`UPDATE domain_events SET dead_lettered_at = now(), dead_letter_count = 1, attempts = 8, last_error = 'refused' WHERE id = $1`, [events.body.items[0].id]);
    await call('GET', '/api/v1/workflows/dead-letters', { query: { limit: '10' } });
    await call('POST', '/api/v1/workflows/dead-letters/{id}/retry', { params: { id: events.body.items[0].id } });
    await call('POST', '/api/v1/workflows/dead-letters/{id}/dismiss', { params: { id: events.body.items[0].id } });

    const page = await call('GET', '/api/v1/notifications', { as: investigator, query: { unreadOnly: 'true' } });
    await call('GET', '/api/v1/notifications/unread-count', { as: investigator });
    await call('PATCH', '/api/v1/notifications/{id}/read', { as: investigator, params: { id: page.body.items[0].id } });
    await call('PATCH', '/api/v1/notifications/{id}/read', { as: viewer, params: { id: page.body.items[0].id } });
    await call('POST', '/api/v1/notifications/mark-all-read', { as: investigator });
    await call('GET', '/api/v1/notifications/preferences', { as: investigator });
    await call('PUT', '/api/v1/notifications/preferences', { as: investigator, body: { minToastPriority: 'HIGH', mutedRuleIds: [ruleId], quietHours: { start: '22:00', end: '07:00', timeZone: 'Europe/Paris' } } });
    await call('GET', '/api/v1/users/me/settings', { as: viewer });
    await call('PUT', '/api/v1/users/me/settings', { as: viewer, body: { theme: 'dark', timeFormat: '12h', timeZone: 'Europe/Paris' } });
    await call('PUT', '/api/v1/users/me/settings', { as: viewer, body: { timeZone: 'Nowhere/Special' } });
    await call('GET', '/api/v1/auth/providers', { as: null });
    await call('GET', '/api/v1/auth/demo-accounts', { as: null });
    await call('DELETE', '/api/v1/workflows/rules/{id}', { params: { id: ruleId } });
    await call('GET', '/metrics', { as: null });

    // Webhooks: a refused URL, CRUD, a delivery queued by a rule, its redelivery.
    await call('POST', '/api/v1/webhooks', { body: { name: 'SIEM', url: 'ftp://127.0.0.1/hook' } });
    const hook = await call('POST', '/api/v1/webhooks', { body: { name: 'SIEM', url: 'http://127.0.0.1:9/hooks/acos' } });
    expect(hook.status).toBe(201);
    await call('GET', '/api/v1/webhooks');
    await call('GET', '/api/v1/webhooks/{id}', { params: { id: hook.body.id } });
    await call('PATCH', '/api/v1/webhooks/{id}', { params: { id: hook.body.id }, body: { name: 'SIEM (prod)' } });
    await call('POST', '/api/v1/webhooks/{id}/rotate-secret', { params: { id: hook.body.id } });
    await call('POST', '/api/v1/webhooks', { as: investigator, body: { name: 'x', url: 'https://x.example.org' } });
    await call('POST', '/api/v1/workflows/rules', {
      body: { name: 'Tell the SIEM', triggerType: 'EVENT', triggerConfig: { event: 'case.tagged' }, cooldownSeconds: 0, actions: [{ actionType: 'CALL_WEBHOOK', actionConfig: { webhookId: hook.body.id } }] },
    });
    await call('PATCH', '/api/v1/cases/{id}', { as: investigator, params: { id }, body: { tags: ['vendors', 'siem'] } });
    const delivery = await eventually(async () => (await app.http().get(`/api/v1/webhooks/${hook.body.id}/deliveries`).set('Authorization', `Bearer ${admin.token}`)).body.items?.[0], 10_000, 'the delivery');
    await call('GET', '/api/v1/webhooks/{id}/deliveries', { params: { id: hook.body.id } });
    await call('POST', '/api/v1/webhook-deliveries/{id}/redeliver', { params: { id: delivery.id } });
    await call('DELETE', '/api/v1/webhooks/{id}', { params: { id: hook.body.id } });

    expect(problems).toEqual([]);
    // The flows really exercised errors too, not just the happy path.
    const statuses = new Set([...validator.seen].map((s) => s.split(' ').pop()));
    expect([...statuses].sort()).toEqual(expect.arrayContaining(['200', '201', '204', '400', '401', '403', '404', '409', '412', '415']));
  });

  it('the built server (what npm start runs, with the Swagger CLI plugin) documents the same responses', async () => {
    expect(existsSync(SERVER_ENTRY)).toBe(true); // npm test runs "nest build" first
    const dataDir = mkdtempSync('/var/tmp/acos-openapi-');
    chmodSync(dataDir, 0o755);
    const built = await startServerProcess({
      DATABASE_URL: app.databaseUrl, DATA_DIR: dataDir, JWT_SECRET: 'openapi-test-secret-'.padEnd(40, 'x'),
      DEMO_DATA: 'false', SCHEDULER: 'off', OUTBOX_DISPATCHER: 'off',
    });
    try {
      const served = (await (await fetch(`${built.url}/api/docs-json`)).json()) as Doc;
      const responsesOf = (d: Doc) => Object.fromEntries(Object.entries(d.paths as Record<string, Record<string, Doc>>)
        .flatMap(([path, item]) => Object.entries(item).map(([method, op]) => [`${method} ${path}`, op.responses])));
      expect(responsesOf(served)).toEqual(responsesOf(doc));
      // The schemas the responses use are the same too (the plugin only adds detail to request DTOs).
      for (const name of Object.keys(doc.components.schemas).filter((n) => !/Dto$/.test(n))) {
        expect({ name, schema: served.components.schemas[name] }).toEqual({ name, schema: doc.components.schemas[name] });
      }
    } finally {
      await built.kill();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('keeps the Swagger UI at /api/docs', async () => {
    const res = await app.http().get('/api/docs/').redirects(1);
    expect(res.status).toBe(200);
    expect(res.text).toContain('swagger');
  });
});
