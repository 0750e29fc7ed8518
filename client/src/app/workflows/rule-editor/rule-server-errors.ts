import { AbstractControl } from '@angular/forms';
import { RuleForm } from './rule-form';

const ACTION_CONFIG_KEYS = new Set(['status', 'userId', 'strategy', 'role', 'tag', 'recipients', 'title', 'message', 'priority', 'webhookId']);
const RULE_KEYS = new Set([
  'name',
  'description',
  'isEnabled',
  'priority',
  'cooldownSeconds',
  'stopProcessing',
  'scopeCodes',
  'caseTypes',
  'triggerType',
]);
const TRIGGER_KEYS = new Set(['fromStatus', 'toStatus', 'event', 'cron', 'match']);

/**
 * The form control a server message is about: "triggerConfig.conditions[0].op" → trigger.conditions.0.op,
 * "actions[1].actionConfig.title" → actions.1.title. Null when the message names nothing we show.
 */
export function controlForServerPath(form: RuleForm, path: string[]): AbstractControl | null {
  const [head, ...rest] = path;
  if (RULE_KEYS.has(head)) return form.get(head);
  if (head === 'triggerConfig') {
    const [key, index, sub] = rest;
    if (key === undefined) return form.controls.triggerType;
    if (TRIGGER_KEYS.has(key)) return form.get(['trigger', key]);
    if (key === 'conditions') {
      if (index === undefined) return form.get(['trigger', 'conditions']);
      const condition = form.get(['trigger', 'conditions', Number(index)]);
      if (!condition) return null;
      return sub && ['field', 'op', 'value'].includes(sub) ? condition.get(sub) : condition.get('field');
    }
    return null;
  }
  if (head === 'actions') {
    const [index, key, sub] = rest;
    if (index === undefined) return null;
    const action = form.get(['actions', Number(index)]);
    if (!action) return null;
    if (key === 'actionType') return action.get('actionType');
    if (key === 'actionConfig') {
      if (sub === 'strategy' || sub === 'userId') {
        return action.get(action.get('assignMode')?.value === 'USER' ? 'userId' : 'strategy');
      }
      return sub && ACTION_CONFIG_KEYS.has(sub) ? action.get(sub) : action.get('actionType');
    }
    return action.get('actionType');
  }
  return null;
}
