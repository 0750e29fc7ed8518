import { CASE_STATUSES, EVENT_NAMES, NOTIFICATION_PRIORITIES, ROLES, type ActionType, type TriggerType } from '../../../contracts/enums';
import { ASSIGN_STRATEGIES, CONDITION_FIELDS, CONDITION_OPS, RECIPIENT_KINDS } from '../../../contracts/workflows';
import { arrayOf, enumOf, object, ref, str, uuid, type Schema } from './schema-helpers';

/**
 * Rule configurations as discriminated unions: the rule's `triggerType` selects the shape of
 * `triggerConfig`, an action's `actionType` the shape of `actionConfig`.
 */
const statuses = arrayOf(enumOf(CASE_STATUSES));
const conditions = (min: number) => arrayOf(ref('Condition'), { minItems: min, maxItems: 50 });

/** Mirrors contracts/workflows.ts (RuleTrigger): a trigger type added there fails to compile here until documented. */
export const TRIGGER_CONFIGS: Record<TriggerType, Schema> = {
  STATUS_CHANGE: object({ fromStatus: statuses, toStatus: statuses, conditions: conditions(0) }, ['fromStatus', 'toStatus', 'conditions'],
    { description: 'Matches case.status_changed from one of fromStatus (any when absent) to one of toStatus (any when absent).' }),
  EVENT: object({ event: enumOf(EVENT_NAMES), conditions: conditions(0) }, ['conditions'], { description: 'Matches that bus event.' }),
  CONDITION: object({ conditions: conditions(1), match: enumOf(['ALL', 'ANY']) }, ['match'],
    { description: 'Fires when a case goes from not matching to matching (an edge), judged after every change.' }),
  TIME_BASED: object({
    cron: str({ description: '5 fields, or 6 with seconds first', example: '0 8 * * 1-5' }),
    conditions: conditions(1),
    timeZone: str({ description: 'IANA time zone of the cron (default UTC)', example: 'Europe/Paris' }),
  }, ['timeZone'], { description: 'On each tick, acts once on every case matching the conditions, until it stops matching.' }),
};

const assignConfig: Schema = {
  oneOf: [
    object({ userId: uuid }),
    object({ strategy: enumOf(ASSIGN_STRATEGIES), role: enumOf(ROLES) }, ['role']),
  ],
};

/** Mirrors contracts/workflows.ts (ActionSpec), plus CALL_WEBHOOK of the contract's channels section. */
export const ACTION_CONFIGS: Record<ActionType, Schema> & { CALL_WEBHOOK: Schema } = {
  CHANGE_STATUS: object({ status: enumOf(CASE_STATUSES) }),
  ASSIGN_USER: assignConfig,
  ADD_TAG: object({ tag: str({ minLength: 1, maxLength: 50 }) }),
  SEND_NOTIFICATION: object({
    recipients: arrayOf({ oneOf: [enumOf(RECIPIENT_KINDS), uuid] }, { minItems: 1 }),
    title: str({ description: 'template: {{variables}} from GET /workflows/meta' }),
    message: str({ description: 'template' }),
    priority: enumOf(NOTIFICATION_PRIORITIES),
  }, ['priority']),
  CREATE_TIMELINE: object({ message: str({ description: 'template' }) }),
  CALL_WEBHOOK: object({ webhookId: uuid }),
};

export const CONDITION: Schema = object({
  field: enumOf(CONDITION_FIELDS),
  op: enumOf(CONDITION_OPS),
  value: { description: 'a value, an array for in/notIn, hours for olderThanHours/withinHours, none for isEmpty/isNotEmpty' },
}, ['value']);

/** Closed variants of one shape, one per tag value, and the discriminated `oneOf` that picks among them. */
export function discriminated(
  name: string, tag: 'triggerType' | 'actionType', configKey: 'triggerConfig' | 'actionConfig', configs: Record<string, Schema>,
  fields: Record<string, Schema>, optional: string[] = [], description?: string,
): Record<string, Schema> {
  const out: Record<string, Schema> = {};
  const mapping: Record<string, string> = {};
  for (const [value, config] of Object.entries(configs)) {
    const variant = `${name}${pascal(value)}`;
    out[variant] = object({ ...fields, [tag]: enumOf([value]), [configKey]: config }, optional);
    mapping[value] = `#/components/schemas/${variant}`;
  }
  out[name] = {
    oneOf: Object.values(mapping).map(($ref) => ({ $ref })),
    discriminator: { propertyName: tag, mapping },
    ...(description ? { description } : {}),
  };
  return out;
}

export const pascal = (upperSnake: string) => upperSnake.toLowerCase().replace(/(^|_)([a-z])/g, (_m, _p, c: string) => c.toUpperCase());
