import { Injectable, NotFoundException } from '@nestjs/common';
import type { ListResult } from '../../common/list';
import { EventsService, toEventView } from '../../events/events.service';
import type { ListEventsQuery } from '../dto/history.dto';
import { matchRule, toMatchable } from '../engine/rule-matcher';
import { HistoryRepository } from '../history/history.repository';
import { RevisionsService } from '../rules/revisions.service';
import { MAX_DEPTH } from '../rules/rule.types';

import type { EventTraceView, EventView, TraceEntry, TraceOutcome } from '../../../../contracts/workflows';

/**
 * "Why did (not) it fire". Nothing extra is written on the hot path: the
 * outbox keeps each event with the case as it was (kept for
 * TRACE_RETENTION_DAYS), revisions keep every rule as it was, and history
 * keeps what ran. The trace replays the rule set of that moment against that
 * snapshot with the engine's own matcher, and takes RAN / COOLDOWN /
 * MAX_DEPTH from history.
 */
@Injectable()
export class TracesService {
  constructor(
    private readonly events: EventsService, private readonly revisions: RevisionsService, private readonly history: HistoryRepository,
  ) {}

  listEvents(q: ListEventsQuery): Promise<ListResult<EventView>> {
    return this.events.list(q);
  }

  async trace(eventId: string): Promise<EventTraceView> {
    const row = await this.events.findForTrace(eventId);
    if (!row) throw new NotFoundException('event not found (events are kept for a limited time)');
    const at = row.processed_at ?? row.created_at;
    const [rules, history] = await Promise.all([this.revisions.rulesAt(new Date(at)), this.history.runsOfEvent(eventId)]);
    const ran = new Map(history.map((h) => [h.rule_id, h]));
    const matchable = toMatchable({ name: row.name, payload: row.payload, occurredAt: new Date(row.created_at).toISOString() });
    let stoppedBy: { name: string; priority: number } | undefined;
    const items: TraceEntry[] = [];
    for (const rule of rules) {
      const h = ran.get(rule.id);
      const match = matchRule(rule, matchable);
      if (h) {
        const outcome: TraceOutcome = (h.skipped_reason as TraceOutcome | null) ?? 'RAN';
        const why = outcome === 'COOLDOWN' ? [`ran for this case less than ${rule.cooldownSeconds} s before`]
          : outcome === 'MAX_DEPTH' ? [`event depth ${row.depth} is beyond the limit of ${MAX_DEPTH}`]
          : [h.success ? 'all actions succeeded' : `failed: ${h.error_message}`, ...h.actions_executed.map((a) => `${a.actionType}: ${a.success ? 'ok' : 'failed'} — ${a.detail}`)];
        items.push({ ruleId: rule.id, ruleName: rule.name, outcome, reasons: [...match.reasons, ...why] });
      } else if (stoppedBy && match.matched) {
        items.push({ ruleId: rule.id, ruleName: rule.name, outcome: 'STOPPED_BY_PRIORITY',
          reasons: [...match.reasons, `rule "${stoppedBy.name}" (priority ${stoppedBy.priority}) matched first and stops processing`] });
      } else if (match.matched) {
        const why = row.processed_at ? 'matches this event, but no run was recorded for it' : 'the event has not been processed yet';
        items.push({ ruleId: rule.id, ruleName: rule.name, outcome: 'NOT_MATCHED', reasons: [...match.reasons, why] });
      } else {
        items.push({ ruleId: rule.id, ruleName: rule.name, outcome: match.outcome ?? 'NOT_MATCHED', reasons: match.reasons });
      }
      if ((h || match.matched) && rule.stopProcessing && !stoppedBy && row.depth <= MAX_DEPTH) stoppedBy = { name: rule.name, priority: rule.priority };
    }
    return { event: toEventView(row), items, total: items.length };
  }
}
