import { enumLabel } from '../core/enum-label.pipe';
import { opLabel } from './rule-editor/condition-ops';
import {
  Condition,
  ConditionTrigger,
  EventTrigger,
  StatusChangeTrigger,
  TimeBasedTrigger,
  TriggerConfig,
  TriggerType,
} from './workflow.models';

function list(values: string[] | undefined): string {
  return (values ?? []).join(' or ');
}

function conditionCount(conditions: Condition[] | undefined, match: 'ALL' | 'ANY' = 'ALL'): string {
  const n = conditions?.length ?? 0;
  if (n === 0) return '';
  if (n === 1) return describeCondition(conditions![0]);
  return `${match === 'ANY' ? 'any' : 'all'} of ${n} conditions`;
}

export function describeCondition(condition: Condition): string {
  const op = opLabel(condition.op, condition.field);
  const value = condition.value;
  if (value === undefined || value === null || condition.op === 'isEmpty' || condition.op === 'isNotEmpty') {
    return `${condition.field} ${op}`;
  }
  const text = Array.isArray(value) ? value.join(', ') : String(value);
  return `${condition.field} ${op} ${text}`;
}

/** A rule's trigger in words, e.g. "When status changes to UNDER_REVIEW". */
export function describeTrigger(type: TriggerType, config: TriggerConfig | null | undefined): string {
  const cfg = (config ?? {}) as Record<string, unknown>;
  switch (type) {
    case 'STATUS_CHANGE': {
      const { fromStatus, toStatus, conditions } = cfg as StatusChangeTrigger;
      let text = 'When status changes';
      if (fromStatus?.length) text += ` from ${list(fromStatus)}`;
      if (toStatus?.length) text += ` to ${list(toStatus)}`;
      const extra = conditionCount(conditions);
      return extra ? `${text}, if ${extra}` : text;
    }
    case 'EVENT': {
      const { event, conditions } = cfg as Partial<EventTrigger>;
      const text = `On ${event ?? 'an event'}`;
      const extra = conditionCount(conditions);
      return extra ? `${text}, if ${extra}` : text;
    }
    case 'CONDITION': {
      const { conditions, match } = cfg as Partial<ConditionTrigger>;
      const extra = conditionCount(conditions, match ?? 'ALL');
      return extra ? `When a case starts matching ${extra}` : 'When a case starts matching its conditions';
    }
    case 'TIME_BASED': {
      const { cron, conditions } = cfg as Partial<TimeBasedTrigger>;
      const extra = conditionCount(conditions);
      return `On schedule ${cron ?? '?'}${extra ? `, for cases where ${extra}` : ''}`;
    }
    default:
      return enumLabel(type);
  }
}
