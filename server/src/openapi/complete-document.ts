import type { OpenAPIObject } from '@nestjs/swagger';
import { ACTION_CONFIGS, TRIGGER_CONFIGS } from './rule-schemas';
import { ROUTE_DOCS, type RouteDoc } from './routes';
import { ref, type Schema } from './schema-helpers';
import { COMPONENT_SCHEMAS } from './schemas';
import { API_DESCRIPTION, SOCKET_EVENTS } from './socket-events.doc';

type Operation = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const METHODS = ['get', 'put', 'post', 'patch', 'delete'] as const;

const SHARED_ERRORS: Record<number, string> = {
  400: 'invalid input: the message names each field',
  401: 'no token, or an invalid, expired or revoked one',
  403: 'the caller\'s role may not do this',
  404: 'not found, or not visible to the caller',
  413: 'the body is too large',
  415: 'the body is not JSON (multipart for evidence)',
  503: 'the database is unreachable',
};

/** Every operation of the document, as "METHOD /path" with its object. */
export function operations(doc: OpenAPIObject): Array<[string, Operation]> {
  const out: Array<[string, Operation]> = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of METHODS) {
      const op = (item as Record<string, Operation | undefined>)[method];
      if (op) out.push([`${method.toUpperCase()} ${path}`, op]);
    }
  }
  return out;
}

function responsesFor(key: string, op: Operation, route: RouteDoc): Record<string, unknown> {
  const responses: Record<string, unknown> = {};
  for (const [status, body] of Object.entries(route.ok)) {
    if (body === null) responses[status] = { description: status === '204' ? 'No content' : 'OK' };
    else if (typeof body === 'string') responses[status] = { description: 'OK', content: { 'application/json': { schema: ref(body) } } };
    else responses[status] = { description: body.description, content: { [body.mediaType]: { schema: { type: 'string', format: 'binary' } } } };
  }
  const hasBody = !!op.requestBody;
  const errors: Record<number, string> = {};
  if (hasBody || (op.parameters ?? []).length) errors[400] = SHARED_ERRORS[400];
  if (!route.public) errors[401] = SHARED_ERRORS[401];
  if (route.roles) errors[403] = `only ${route.roles.join(' and ')}; also while the user must change their password`;
  if (key.includes('{')) errors[404] = SHARED_ERRORS[404];
  if (hasBody) Object.assign(errors, { 413: SHARED_ERRORS[413], 415: SHARED_ERRORS[415] });
  if (key !== 'GET /api/v1/health/live' && key !== 'GET /metrics') errors[503] = SHARED_ERRORS[503];
  Object.assign(errors, route.errors);
  for (const [status, description] of Object.entries(errors)) {
    responses[status] = { description, content: { 'application/json': { schema: ref('ErrorBody') } } };
  }
  return responses;
}

/** Nest's DTO schemas know configs only as objects: point them at the typed unions. */
function typeRuleBodies(schemas: Record<string, Schema>): void {
  schemas.CreateRuleDto = ref('RuleInput');
  schemas.ReplaceRuleDto = ref('RuleReplacement');
  schemas.ActionDto = ref('ActionInput');
  const anyActionConfig = { oneOf: Object.values(ACTION_CONFIGS), description: 'the config of the action\'s actionType' };
  const update = schemas.UpdateRuleDto as { properties?: Record<string, Schema> } | undefined;
  if (update?.properties?.triggerConfig) {
    update.properties.triggerConfig = {
      oneOf: Object.values(TRIGGER_CONFIGS), description: 'the config of the rule\'s triggerType (sent or current)',
    };
  }
  const updateAction = schemas.UpdateActionDto as { properties?: Record<string, Schema> } | undefined;
  if (updateAction?.properties?.actionConfig) updateAction.properties.actionConfig = anyActionConfig;
}

/**
 * Completes the document Nest builds from the decorators: response schemas, errors, typed rule
 * configurations, security per route, and the socket events. Routes missing from ROUTE_DOCS are
 * listed in `x-undocumented-routes` (and fail the OpenAPI test).
 */
export function completeDocument(doc: OpenAPIObject): OpenAPIObject {
  doc.info.description = API_DESCRIPTION;
  const schemas = (doc.components ??= {}).schemas ??= {};
  Object.assign(schemas, COMPONENT_SCHEMAS, {
    LiveNotification: { allOf: [ref('Notification')], description: 'a Notification plus `toast` (false when the user\'s preferences say not to pop it up)' },
  });
  typeRuleBodies(schemas as Record<string, Schema>);
  (doc as unknown as Record<string, unknown>)['x-socket-events'] = SOCKET_EVENTS;

  // Served outside the API prefix and left out by its controller's decorators, but part of the HTTP surface.
  doc.paths['/metrics'] ??= { get: { operationId: 'metrics', tags: ['operations'], summary: 'Prometheus metrics', parameters: [], responses: {} } };

  const undocumented: string[] = [];
  for (const [key, op] of operations(doc)) {
    const route = ROUTE_DOCS[key];
    if (!route) {
      undocumented.push(key);
      continue;
    }
    op.responses = responsesFor(key, op, route);
    if (route.summary && !op.summary) op.summary = route.summary;
    op.security = route.public ? [] : [{ bearer: [] }];
  }
  if (undocumented.length) (doc as unknown as Record<string, unknown>)['x-undocumented-routes'] = undocumented;
  return doc;
}
