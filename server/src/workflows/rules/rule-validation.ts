import { DEFAULT_TIME_ZONE, cronProblem, timeZoneProblem } from '../../common/cron-schedule';
import { CASE_STATUSES, NOTIFICATION_PRIORITIES, ROLES } from '../../common/enums';
import { EVENT_NAMES } from '../../events/event-map';
import { normaliseConditions, validateConditions } from '../conditions/condition-validator';
import type { Condition } from '../conditions/condition-schema';
import { templateProblems } from '../templates';
import type { CaseStatus } from '../../common/enums';
import {
  ASSIGN_STRATEGIES, RECIPIENT_KINDS, type ActionSpec, type ActionType, type RuleTrigger,
  type StatusChangeTrigger, type TriggerConfig, type TriggerType,
} from './rule.types';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function unknownKeys(obj: Record<string, unknown>, allowed: string[], path: string): string[] {
  return Object.keys(obj).filter((k) => !allowed.includes(k)).map((k) => `${path}.${k}: unknown property`);
}

function statusList(value: unknown, path: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.some((s) => !(CASE_STATUSES as readonly unknown[]).includes(s))) {
    return [`${path}: must be an array of ${CASE_STATUSES.join(', ')}`];
  }
  return [];
}

export interface ValidatedTrigger {
  problems: string[];
  /** The normalised config ({} when there are problems). */
  config: TriggerConfig | Record<string, never>;
  /** Set when there are no problems. */
  trigger?: RuleTrigger;
}

/** Checks `triggerConfig` for its trigger type; returns problems naming the field, and the normalised, typed trigger. */
export function validateTrigger(type: TriggerType, config: unknown, path = 'triggerConfig'): ValidatedTrigger {
  if (!isObject(config)) return { problems: [`${path}: must be an object`], config: {} };
  const problems: string[] = [];
  const conditionsOf = (required: boolean): Condition[] | undefined => {
    const p = validateConditions(config.conditions, `${path}.conditions`, { required });
    problems.push(...p);
    return !p.length && config.conditions !== undefined ? normaliseConditions(config.conditions as Condition[]) : undefined;
  };
  let trigger: RuleTrigger | undefined;
  switch (type) {
    case 'STATUS_CHANGE': {
      problems.push(...unknownKeys(config, ['fromStatus', 'toStatus', 'conditions'], path));
      problems.push(...statusList(config.fromStatus, `${path}.fromStatus`), ...statusList(config.toStatus, `${path}.toStatus`));
      const out: StatusChangeTrigger = {};
      if (Array.isArray(config.fromStatus)) out.fromStatus = [...new Set(config.fromStatus as CaseStatus[])];
      if (Array.isArray(config.toStatus)) out.toStatus = [...new Set(config.toStatus as CaseStatus[])];
      const conditions = conditionsOf(false);
      if (conditions) out.conditions = conditions;
      trigger = { triggerType: type, triggerConfig: out };
      break;
    }
    case 'EVENT': {
      problems.push(...unknownKeys(config, ['event', 'conditions'], path));
      const event = EVENT_NAMES.find((name) => name === config.event);
      if (!event) problems.push(`${path}.event: must be one of ${EVENT_NAMES.join(', ')}`);
      const conditions = conditionsOf(false);
      if (event) trigger = { triggerType: type, triggerConfig: conditions ? { event, conditions } : { event } };
      break;
    }
    case 'CONDITION': {
      problems.push(...unknownKeys(config, ['conditions', 'match'], path));
      if (config.match !== undefined && config.match !== 'ALL' && config.match !== 'ANY') problems.push(`${path}.match: must be ALL or ANY`);
      const conditions = conditionsOf(true);
      if (conditions) trigger = { triggerType: type, triggerConfig: { match: config.match === 'ANY' ? 'ANY' : 'ALL', conditions } };
      break;
    }
    case 'TIME_BASED': {
      problems.push(...unknownKeys(config, ['cron', 'timeZone', 'conditions'], path));
      const cron = cronProblem(config.cron);
      if (cron) problems.push(`${path}.cron: ${cron}`);
      const zone = config.timeZone === undefined ? undefined : timeZoneProblem(config.timeZone);
      if (zone) problems.push(`${path}.timeZone: ${zone}`);
      const conditions = conditionsOf(true);
      if (!cron && !zone && conditions) {
        const timeZone = typeof config.timeZone === 'string' ? config.timeZone.trim() : DEFAULT_TIME_ZONE;
        trigger = { triggerType: type, triggerConfig: { cron: (config.cron as string).trim().split(/\s+/).join(' '), timeZone, conditions } };
      }
      break;
    }
    default:
      problems.push(`triggerType: must be one of STATUS_CHANGE, TIME_BASED, EVENT, CONDITION`);
  }
  // Only a valid trigger is ever used: the caller refuses the input on any problem.
  if (problems.length || !trigger) return { problems, config: {} };
  return { problems, config: trigger.triggerConfig, trigger };
}

function templateField(value: unknown, path: string, max: number): string[] {
  if (typeof value !== 'string' || !value.trim()) return [`${path}: must be non-empty text`];
  if (value.length > max) return [`${path}: at most ${max} characters`];
  return templateProblems(value).map((p) => `${path}: ${p}`);
}

export interface ValidatedAction {
  problems: string[];
  /** The normalised config ({} when the input is not an object). */
  config: Record<string, unknown>;
  /** Set when there are no problems. */
  action?: ActionSpec;
  /** User ids the config names, to be checked against the users table. */
  userIds: Array<{ id: string; path: string }>;
  /** Webhook ids the action names, to be checked against the webhooks table. */
  webhookIds: Array<{ id: string; path: string }>;
}

const text = (value: unknown): string => (typeof value === 'string' ? value : '');

export function validateAction(type: ActionType, config: unknown, path: string): ValidatedAction {
  const result: ValidatedAction = { problems: [], config: {}, userIds: [], webhookIds: [] };
  if (!isObject(config)) return { ...result, problems: [`${path}: must be an object`] };
  const { problems } = result;
  const out = result.config;
  let action: ActionSpec | undefined;
  switch (type) {
    case 'CHANGE_STATUS': {
      problems.push(...unknownKeys(config, ['status'], path));
      const status = CASE_STATUSES.find((s) => s === config.status);
      if (!status) problems.push(`${path}.status: must be one of ${CASE_STATUSES.join(', ')}`);
      out.status = config.status;
      if (status) action = { actionType: type, actionConfig: { status } };
      break;
    }
    case 'ASSIGN_USER':
      problems.push(...unknownKeys(config, ['userId', 'strategy', 'role'], path));
      if (config.userId !== undefined) {
        if (config.strategy !== undefined || config.role !== undefined) problems.push(`${path}: give either userId or strategy (with optional role), not both`);
        if (typeof config.userId !== 'string' || !UUID.test(config.userId)) problems.push(`${path}.userId: must be a user id (UUID)`);
        else {
          result.userIds.push({ id: config.userId, path: `${path}.userId` });
          action = { actionType: type, actionConfig: { userId: config.userId } };
        }
        out.userId = config.userId;
      } else if (config.strategy !== undefined) {
        const strategy = ASSIGN_STRATEGIES.find((s) => s === config.strategy);
        const role = ROLES.find((r) => r === config.role);
        if (!strategy) problems.push(`${path}.strategy: must be ROUND_ROBIN or LEAST_LOADED`);
        if (config.role !== undefined && !role) problems.push(`${path}.role: must be one of ${ROLES.join(', ')}`);
        out.strategy = config.strategy;
        if (config.role !== undefined) out.role = config.role;
        if (strategy) action = { actionType: type, actionConfig: role ? { strategy, role } : { strategy } };
      } else {
        problems.push(`${path}: needs userId or strategy`);
      }
      break;
    case 'ADD_TAG': {
      problems.push(...unknownKeys(config, ['tag'], path));
      const tag = typeof config.tag === 'string' ? config.tag.trim().toLowerCase() : '';
      if (tag.length < 1 || tag.length > 50) problems.push(`${path}.tag: must be a tag of 1 to 50 characters`);
      out.tag = tag;
      action = { actionType: type, actionConfig: { tag } };
      break;
    }
    case 'SEND_NOTIFICATION': {
      problems.push(...unknownKeys(config, ['recipients', 'title', 'message', 'priority'], path));
      const recipients = config.recipients;
      let kept: string[] = [];
      if (!Array.isArray(recipients) || recipients.length === 0 || recipients.length > 50) {
        problems.push(`${path}.recipients: must be a non-empty array of ASSIGNEE, OWNER, ADMINS or user ids`);
      } else {
        recipients.forEach((r, i) => {
          if ((RECIPIENT_KINDS as readonly unknown[]).includes(r)) return;
          if (typeof r === 'string' && UUID.test(r)) result.userIds.push({ id: r, path: `${path}.recipients[${i}]` });
          else problems.push(`${path}.recipients[${i}]: must be ASSIGNEE, OWNER, ADMINS or a user id`);
        });
        kept = [...new Set(recipients.filter((r): r is string => typeof r === 'string'))];
        out.recipients = [...new Set(recipients)];
      }
      problems.push(...templateField(config.title, `${path}.title`, 200), ...templateField(config.message, `${path}.message`, 2000));
      out.title = config.title;
      out.message = config.message;
      const priority = config.priority === undefined ? 'NORMAL' : NOTIFICATION_PRIORITIES.find((p) => p === config.priority);
      if (!priority) problems.push(`${path}.priority: must be one of ${NOTIFICATION_PRIORITIES.join(', ')}`);
      out.priority = config.priority ?? 'NORMAL';
      action = { actionType: type, actionConfig: { recipients: kept, title: text(config.title), message: text(config.message), priority: priority ?? 'NORMAL' } };
      break;
    }
    case 'CALL_WEBHOOK':
      problems.push(...unknownKeys(config, ['webhookId'], path));
      if (typeof config.webhookId !== 'string' || !UUID.test(config.webhookId)) problems.push(`${path}.webhookId: must be a webhook id (UUID)`);
      else {
        result.webhookIds.push({ id: config.webhookId, path: `${path}.webhookId` });
        action = { actionType: type, actionConfig: { webhookId: config.webhookId } };
      }
      out.webhookId = config.webhookId;
      break;
    case 'CREATE_TIMELINE':
      problems.push(...unknownKeys(config, ['message'], path));
      problems.push(...templateField(config.message, `${path}.message`, 2000));
      out.message = config.message;
      action = { actionType: type, actionConfig: { message: text(config.message) } };
      break;
    default:
      problems.push(`${path.replace(/actionConfig$/, 'actionType')}: must be one of CHANGE_STATUS, ASSIGN_USER, ADD_TAG, SEND_NOTIFICATION, CREATE_TIMELINE, CALL_WEBHOOK`);
  }
  if (!problems.length) result.action = action;
  return result;
}
