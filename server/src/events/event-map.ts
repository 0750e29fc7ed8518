import type { EventName } from '../../../contracts/enums';
import type { CaseView } from '../../../contracts/api';
import type { CaseStatus } from '../common/enums';

/** What every event carries about the case, as it was right after the change: the API's case plus its evidence count. */
export interface CaseSnapshot extends CaseView {
  evidenceCount: number;
}

export interface EvidenceSummary { id: string; filename: string; mimeType: string; sizeBytes: number }

/** Event name → what its payload holds beyond the common envelope. */
export interface CaseEventMap {
  'case.created': { case: CaseSnapshot };
  'case.updated': { case: CaseSnapshot; previous: Partial<CaseSnapshot>; changedFields: string[] };
  'case.status_changed': { case: CaseSnapshot; fromStatus: CaseStatus; toStatus: CaseStatus };
  'case.assigned': { case: CaseSnapshot; fromAssigneeId: string | null; toAssigneeId: string | null };
  'case.tagged': { case: CaseSnapshot; addedTags: string[] };
  'evidence.uploaded': { case: CaseSnapshot; evidence: EvidenceSummary };
}

export { EVENT_NAMES } from '../../../contracts/enums';
export type { EventName };
// Fails to compile unless every contract event name has a payload type here and no payload type lacks a name.
type Exactly<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const eventNamesHavePayloads: Exactly<keyof CaseEventMap, EventName> = true;
void eventNamesHavePayloads;

/** The envelope every event travels in, in the outbox and on the in-process bus. */
export interface DomainEvent<N extends EventName = EventName> {
  id: string;
  name: N;
  caseId: string;
  actorId: string | null;
  /** Set when a workflow rule's action caused the change. */
  ruleId: string | null;
  /** 0 for a person's change; a workflow action's change is its cause's depth + 1. */
  depth: number;
  occurredAt: string;
  payload: CaseEventMap[N];
  /** A dead letter an admin sent back for processing: consumers skip what they already did for it. */
  redelivered?: boolean;
}

/** Who or what makes a change: a person, or a rule acting on an event of some depth. */
export interface ChangeOrigin {
  actorId: string | null;
  ruleId?: string | null;
  /** Depth of the event that caused this change, when a rule made it. */
  causeDepth?: number;
}

export function depthOf(origin: ChangeOrigin): number {
  return origin.causeDepth === undefined ? 0 : origin.causeDepth + 1;
}
