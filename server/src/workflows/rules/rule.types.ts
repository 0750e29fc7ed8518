import type { ActionView, RuleView } from '../../../../contracts/workflows';

export { ACTION_TYPES, TRIGGER_TYPES, type ActionType, type TriggerType } from '../../../../contracts/enums';
export {
  ASSIGN_STRATEGIES, RECIPIENT_KINDS,
  type ActionBody, type ActionConfig, type ActionConfigOf, type ActionSpec, type AddTagConfig, type AssignUserConfig, type CallWebhookConfig,
  type ChangeStatusConfig, type ConditionTrigger, type CreateTimelineConfig, type EventTrigger, type RuleBody, type RuleTrigger,
  type SendNotificationConfig, type StatusChangeTrigger, type TimeBasedTrigger, type TriggerConfig, type TriggerConfigOf,
} from '../../../../contracts/workflows';

/** The contract's `action`, configs typed by `actionType`. */
export type RuleAction = ActionView;

/** The contract's `rule` (CONTRACT §6), `triggerConfig` typed by `triggerType`. */
export type Rule = RuleView;

/** How deep a chain of rule-caused events may go before rules stop running. */
export const MAX_DEPTH = 3;
