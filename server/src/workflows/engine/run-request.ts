import type { CaseEventMap, DomainEvent, EventName } from '../../events/event-map';
import type { RunContext } from '../actions/action-context';
import type { HistoryRow } from '../history/history.types';
import type { Rule } from '../rules/rule.types';

/** Why a rule runs for a case, and what its history row will say about the trigger. */
export interface RunRequest {
  ctx: RunContext;
  caseNumber: string;
  triggerData: Record<string, unknown>;
  retryOf?: string;
}

/** What templates may show of a trigger: read from an event's payload, or from history's copy of it. */
interface TriggerFacts { actorId: string | null; previousStatus: string | null; evidenceFilename: string | null }

/** The one place a run's context is put together (events, schedule ticks, retries and dry runs all go through here). */
export function runContext(
  rule: Rule, target: { caseId: string; eventId: string; eventName: string; depth: number; occurredAt?: string }, facts: TriggerFacts,
): RunContext {
  return { rule, ...target, ...facts };
}

function factsOfPayload(payload: CaseEventMap[EventName], actorId: string | null): TriggerFacts {
  const previousStatus = 'fromStatus' in payload ? payload.fromStatus : 'previous' in payload ? payload.previous.status ?? null : null;
  return { actorId, previousStatus, evidenceFilename: 'evidence' in payload ? payload.evidence.filename : null };
}

const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);
const field = (value: unknown, key: string): unknown => (typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined);

/** History keeps the payload's keys in trigger_data (see forEvent), so a retry reads the same facts back. */
function factsOfTriggerData(data: Record<string, unknown>): TriggerFacts {
  return {
    actorId: text(data.actorId),
    previousStatus: text(data.fromStatus) ?? text(field(data.previous, 'status')),
    evidenceFilename: text(field(data.evidence, 'filename')),
  };
}

/** A rule run for a committed domain event. */
export function forEvent(rule: Rule, event: DomainEvent): RunRequest {
  const { case: snapshot, ...rest } = event.payload;
  return {
    ctx: runContext(rule, { caseId: event.caseId, eventId: event.id, eventName: event.name, depth: event.depth, occurredAt: event.occurredAt }, factsOfPayload(event.payload, event.actorId)),
    caseNumber: snapshot.caseNumber,
    // What history shows about the trigger: the event, who caused it and what changed.
    triggerData: { event: event.name, actorId: event.actorId, causedByRuleId: event.ruleId, depth: event.depth, occurredAt: event.occurredAt, ...rest },
  };
}

export interface TickRef { id: string; scheduledFor: Date; catchUp: boolean }

/** A TIME_BASED rule's run for one case on one schedule tick. */
export function forTick(rule: Rule & { triggerType: 'TIME_BASED' }, tick: TickRef, c: { id: string; caseNumber: string }): RunRequest {
  return {
    ctx: runContext(rule, { caseId: c.id, eventId: tick.id, eventName: 'schedule.tick', depth: 0, occurredAt: tick.scheduledFor.toISOString() }, { actorId: null, previousStatus: null, evidenceFilename: null }),
    caseNumber: c.caseNumber,
    triggerData: { schedule: rule.triggerConfig.cron, timeZone: rule.triggerConfig.timeZone ?? 'UTC', scheduledFor: tick.scheduledFor.toISOString(), tickId: tick.id, catchUp: tick.catchUp },
  };
}

/** The retry of a failed run: same case, event and depth, the rule as it is now. */
export function forRetry(rule: Rule, original: HistoryRow): RunRequest {
  return {
    ctx: runContext(rule, {
      caseId: original.case_id, eventId: original.event_id, eventName: original.event_name, depth: original.depth,
      occurredAt: text(original.trigger_data.occurredAt) ?? text(original.trigger_data.scheduledFor) ?? undefined,
    },
      factsOfTriggerData(original.trigger_data)),
    caseNumber: original.case_number,
    triggerData: { ...original.trigger_data, retryOf: original.id },
    retryOf: original.id,
  };
}

/** The context a dry run describes actions in: nobody acted, the event is imagined. */
export function forDryRun(rule: Rule, caseId: string, eventName: string, previousStatus: string | null): RunContext {
  return runContext(rule, { caseId, eventId: '00000000-0000-0000-0000-000000000000', eventName, depth: 0 },
    { actorId: null, previousStatus, evidenceFilename: null });
}
