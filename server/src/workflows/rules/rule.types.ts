import type { CaseStatus, CaseType, NotificationPriority, Role } from '../../common/enums';
import type { EventName } from '../../events/event-map';
import type { Condition } from '../conditions/condition-schema';

export { ACTION_TYPES, TRIGGER_TYPES, type ActionType, type TriggerType } from '../../../../contracts/enums';
import type { ActionType, TriggerType } from '../../../../contracts/enums';

export const RECIPIENT_KINDS = ['ASSIGNEE', 'OWNER', 'ADMINS'] as const;
export const ASSIGN_STRATEGIES = ['ROUND_ROBIN', 'LEAST_LOADED'] as const;

export interface StatusChangeTrigger { fromStatus?: CaseStatus[]; toStatus?: CaseStatus[]; conditions?: Condition[] }
export interface EventTrigger { event: EventName; conditions?: Condition[] }
export interface ConditionTrigger { conditions: Condition[]; match?: 'ALL' | 'ANY' }
export interface TimeBasedTrigger { cron: string; conditions: Condition[] }
export type TriggerConfig = StatusChangeTrigger | EventTrigger | ConditionTrigger | TimeBasedTrigger;

export type ActionConfig =
  | { status: CaseStatus }
  | { userId: string }
  | { strategy: (typeof ASSIGN_STRATEGIES)[number]; role?: Role }
  | { tag: string }
  | { recipients: string[]; title: string; message: string; priority?: NotificationPriority }
  | { message: string };

export interface RuleAction {
  id: string;
  ruleId: string;
  actionType: ActionType;
  actionConfig: Record<string, unknown>;
  sequence: number;
}

/** The contract's `rule` (CONTRACT §6). */
export interface Rule {
  id: string;
  name: string;
  description: string;
  triggerType: TriggerType;
  triggerConfig: Record<string, unknown>;
  isEnabled: boolean;
  priority: number;
  stopProcessing: boolean;
  cooldownSeconds: number;
  scopeCodes: string[];
  caseTypes: CaseType[];
  actions: RuleAction[];
  createdAt: string;
  updatedAt: string;
}

/** How deep a chain of rule-caused events may go before rules stop running. */
export const MAX_DEPTH = 3;
