import { DEFAULT_TIME_ZONE } from '../../common/cron-schedule';
import { validateAction, validateTrigger } from './rule-validation';
import type {
  ActionSpec, ActionType, AssignUserConfig, CallWebhookConfig, ChangeStatusConfig, ConditionTrigger, CreateTimelineConfig, EventTrigger, RuleTrigger,
  SendNotificationConfig, StatusChangeTrigger, TimeBasedTrigger, TriggerType,
} from './rule.types';

/**
 * A trigger as stored. Stored configs were validated and normalised when saved (parseTrigger), so
 * reading them back only attaches the type their `trigger_type` column names.
 */
export function storedTrigger(type: TriggerType, config: unknown): RuleTrigger {
  switch (type) {
    case 'STATUS_CHANGE': return { triggerType: type, triggerConfig: config as StatusChangeTrigger };
    case 'EVENT': return { triggerType: type, triggerConfig: config as EventTrigger };
    case 'CONDITION': return { triggerType: type, triggerConfig: config as ConditionTrigger };
    // Rules saved before time zones existed fire in UTC.
    case 'TIME_BASED': return { triggerType: type, triggerConfig: { ...(config as TimeBasedTrigger), timeZone: (config as TimeBasedTrigger).timeZone ?? DEFAULT_TIME_ZONE } };
  }
}

/** An action as stored (validated when saved, like triggers). */
export function storedAction(type: ActionType, config: unknown): ActionSpec {
  switch (type) {
    case 'CHANGE_STATUS': return { actionType: type, actionConfig: config as ChangeStatusConfig };
    case 'ASSIGN_USER': return { actionType: type, actionConfig: config as AssignUserConfig };
    case 'ADD_TAG': return { actionType: type, actionConfig: config as { tag: string } };
    case 'SEND_NOTIFICATION': return { actionType: type, actionConfig: config as SendNotificationConfig };
    case 'CREATE_TIMELINE': return { actionType: type, actionConfig: config as CreateTimelineConfig };
    case 'CALL_WEBHOOK': return { actionType: type, actionConfig: config as CallWebhookConfig };
  }
}

/** Input that did not validate: the messages name the offending fields. */
export interface Parsed<T> {
  problems: string[];
  value?: T;
  /** User ids the input names, to be checked against the users table. */
  userIds: Array<{ id: string; path: string }>;
  /** Webhook ids the input names, to be checked against the webhooks table. */
  webhookIds?: Array<{ id: string; path: string }>;
}

/** Validates and normalises a trigger from a request body (messages are prefixed with `path`). */
export function parseTrigger(type: TriggerType, config: unknown, path = 'triggerConfig'): Parsed<RuleTrigger> {
  const checked = validateTrigger(type, config, path);
  return { problems: checked.problems, value: checked.trigger, userIds: [] };
}

/** Validates and normalises an action from a request body. */
export function parseAction(type: ActionType, config: unknown, path: string): Parsed<ActionSpec> {
  const checked = validateAction(type, config, path);
  return { problems: checked.problems, value: checked.action, userIds: checked.userIds, webhookIds: checked.webhookIds };
}

export interface ActionInput { actionType: ActionType; actionConfig: unknown; sequence?: number }

export interface ParsedRuleBody {
  trigger?: RuleTrigger;
  /** With their sequence: given, or the place in the list. */
  actions: Array<{ spec: ActionSpec; sequence: number }>;
  problems: string[];
  userIds: Array<{ id: string; path: string }>;
  webhookIds: Array<{ id: string; path: string }>;
}

/** A rule body's trigger and actions, validated once; `prefix` is put before every field path ("rules[2]."). */
export function parseRuleBody(
  body: { triggerType: TriggerType; triggerConfig: unknown; actions?: ActionInput[] }, prefix = '',
): ParsedRuleBody {
  const trigger = parseTrigger(body.triggerType, body.triggerConfig, `${prefix}triggerConfig`);
  const actions = (body.actions ?? []).map((a, j) => ({ ...parseAction(a.actionType, a.actionConfig, `${prefix}actions[${j}].actionConfig`), sequence: a.sequence ?? j }));
  return {
    trigger: trigger.value,
    actions: actions.flatMap((a) => (a.value ? [{ spec: a.value, sequence: a.sequence }] : [])),
    problems: [...trigger.problems, ...actions.flatMap((a) => a.problems)],
    userIds: actions.flatMap((a) => a.userIds),
    webhookIds: actions.flatMap((a) => a.webhookIds ?? []),
  };
}
