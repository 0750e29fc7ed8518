// Fixtures for scenarios 2–4 and 7, through the API: cases spread over 25 scopes, each
// assigned to an investigator, and 200 enabled STATUS_CHANGE rules laid out so that every
// status change matches exactly two of them (one SEND_NOTIFICATION to the assignee, one
// ADD_TAG or CREATE_TIMELINE), while the other 198 are evaluated and rejected on scope,
// target status or conditions.
import { PREVIOUS_STATUS, TARGET_STATUSES } from '../lib/app.mjs';
import { readFixtures, writeFixtures } from '../lib/context.mjs';
import { makeClient, pool } from '../lib/http.mjs';
import { log } from '../lib/stats.mjs';

export const SCOPES = Array.from({ length: 25 }, (_, i) => `S${String(i + 1).padStart(2, '0')}`);
const CASE_TYPES = ['AUDIT', 'INVESTIGATION', 'COMPLIANCE', 'INCIDENT'];

/** The 200 rules: for each (scope, target status) cell, a notify rule and a tag-or-timeline rule. */
export function ruleDefinitions() {
  const rules = [];
  let k = 0;
  for (const [s, scope] of SCOPES.entries()) {
    for (const [x, to] of TARGET_STATUSES.entries()) {
      k++;
      rules.push({
        name: `Notify assignee: ${scope} → ${to}`,
        description: `Tell the assignee when a ${scope} case moves to ${to}`,
        triggerType: 'STATUS_CHANGE',
        triggerConfig: { toStatus: [to], conditions: [{ field: 'assigneeId', op: 'isNotEmpty' }] },
        scopeCodes: [scope],
        priority: 10 + ((k * 37) % 180),
        cooldownSeconds: 0,
        actions: [{
          actionType: 'SEND_NOTIFICATION',
          actionConfig: {
            recipients: ['ASSIGNEE'],
            title: '{{case.caseNumber}} is now {{case.status}}',
            message: '{{actor.name}} moved "{{case.title}}" from {{case.previousStatus}} to {{case.status}} ({{rule.name}})',
            priority: to === 'CLOSED' ? 'HIGH' : 'NORMAL',
          },
        }],
      });
      const tag = (s + x) % 2 === 0;
      rules.push({
        name: `${tag ? 'Tag' : 'Log'} ${scope}: ${PREVIOUS_STATUS[to]} → ${to}`,
        description: `Record that a high-severity ${scope} case reached ${to}`,
        triggerType: 'STATUS_CHANGE',
        triggerConfig: {
          fromStatus: [PREVIOUS_STATUS[to]], toStatus: [to],
          conditions: [{ field: 'severity', op: 'in', value: ['HIGH', 'CRITICAL'] }, { field: 'caseType', op: 'in', value: CASE_TYPES }],
        },
        scopeCodes: [scope],
        priority: 10 + ((k * 53) % 180),
        cooldownSeconds: 0,
        actions: [tag
          ? { actionType: 'ADD_TAG', actionConfig: { tag: `reached-${to.toLowerCase()}` } }
          : { actionType: 'CREATE_TIMELINE', actionConfig: { message: '{{rule.name}}: {{case.caseNumber}} reached {{case.status}} (was {{case.previousStatus}})' } }],
      });
    }
  }
  return rules;
}

export async function run(ctx) {
  const users = readFixtures(ctx, 'users');
  const http = makeClient(ctx.url, { maxSockets: 32 });
  const n = ctx.sizes.engineCases;
  log(`engine fixtures: creating ${n} cases through POST /api/v1/cases`);
  const t0 = Date.now();
  const cases = await pool(n, 32, async (i) => {
    const assignee = users.investigators[i % users.investigators.length];
    const c = await http.expect(201, 'POST', '/api/v1/cases', {
      token: users.admin.token,
      body: {
        title: `Bench case ${i + 1}: vendor payments review`,
        description: 'Created by the benchmark',
        caseType: CASE_TYPES[i % CASE_TYPES.length],
        scopeCode: SCOPES[i % SCOPES.length],
        severity: i % 2 ? 'HIGH' : 'CRITICAL',
        assigneeId: assignee.id,
        tags: ['bench'],
      },
    });
    return { id: c.id, assigneeId: assignee.id, scopeCode: c.scopeCode };
  });
  const caseSeconds = (Date.now() - t0) / 1000;
  log(`engine fixtures: ${n} cases in ${caseSeconds.toFixed(1)} s; creating 200 rules through POST /api/v1/workflows/rules`);
  const defs = ruleDefinitions();
  const rules = await pool(defs.length, 4, async (i) => {
    const r = await http.expect(201, 'POST', '/api/v1/workflows/rules', { token: users.admin.token, body: defs[i] });
    return r.id;
  });
  writeFixtures(ctx, 'engine', { cases, rules });
  http.close();
  return { cases: cases.length, rules: rules.length, casesCreatedPerSecond: Math.round(n / caseSeconds) };
}
