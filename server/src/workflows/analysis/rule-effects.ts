import type { Condition, ConditionField } from '../conditions/condition-schema';
import type { EventName } from '../../events/event-map';
import type { Rule, RuleAction } from '../rules/rule.types';
import type { LabelledCondition } from './condition-feasibility';

export const quote = (r: Pick<Rule, 'name'>): string => `"${r.name}"`;

/** Fields of the case an action changes, and the events it emits (what applyChanges stages). */
export function effectsOf(action: RuleAction): { events: EventName[]; fields: ConditionField[]; facts: Condition[] } {
  switch (action.actionType) {
    case 'CHANGE_STATUS':
      return { events: ['case.status_changed', 'case.updated'], fields: ['status', 'updatedAt'], facts: [{ field: 'status', op: 'eq', value: action.actionConfig.status }] };
    case 'ASSIGN_USER': {
      const cfg = action.actionConfig;
      const fact: Condition = 'userId' in cfg ? { field: 'assigneeId', op: 'eq', value: cfg.userId } : { field: 'assigneeId', op: 'isNotEmpty' };
      return { events: ['case.assigned', 'case.updated'], fields: ['assigneeId', 'updatedAt'], facts: [fact] };
    }
    case 'ADD_TAG':
      return { events: ['case.tagged', 'case.updated'], fields: ['tags', 'updatedAt'], facts: [{ field: 'tags', op: 'contains', value: action.actionConfig.tag }] };
    // A timeline entry is announced to sockets as case:updated but stages no bus event; notifications stage none either.
    // A webhook delivery is queued and sent after commit: nothing it does comes back as a case event.
    case 'CREATE_TIMELINE':
    case 'SEND_NOTIFICATION':
    case 'CALL_WEBHOOK':
      return { events: [], fields: [], facts: [] };
  }
}

/** Conditions a case must meet for `rule` to fire at all: the trigger's own plus what its trigger and scopes imply. */
export function requiredConditions(rule: Rule): LabelledCondition[] {
  const implied: LabelledCondition[] = [];
  if (rule.scopeCodes.length) implied.push({ condition: { field: 'scopeCode', op: 'in', value: rule.scopeCodes }, label: `the rule's scopes [${rule.scopeCodes.join(', ')}]` });
  if (rule.caseTypes.length) implied.push({ condition: { field: 'caseType', op: 'in', value: rule.caseTypes }, label: `the rule's case types [${rule.caseTypes.join(', ')}]` });
  if (rule.triggerType === 'STATUS_CHANGE' && rule.triggerConfig.toStatus?.length) {
    // The snapshot of case.status_changed is the case after the change: its status is the new one.
    implied.push({ condition: { field: 'status', op: 'in', value: rule.triggerConfig.toStatus }, label: `the trigger's toStatus [${rule.triggerConfig.toStatus.join(', ')}]` });
  }
  return implied;
}

