import type { Rule } from '../rules/rule.types';

/** Why a rule is running and for which case: what actions and templates may refer to. */
export interface RunContext {
  rule: Rule;
  caseId: string;
  eventId: string;
  eventName: string;
  /** Depth of the event that triggered the run; changes made by actions get depth + 1. */
  depth: number;
  actorId: string | null;
  previousStatus: string | null;
  evidenceFilename: string | null;
  /** When the triggering event happened (a webhook's `event.occurredAt`); unknown for dry runs. */
  occurredAt?: string;
}

/** An action that cannot do its job, with a message an admin can act on. */
export class ActionFailure extends Error {}
