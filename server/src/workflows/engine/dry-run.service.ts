import { Injectable, NotFoundException } from '@nestjs/common';
import { CasesService } from '../../cases/cases.service';
import { TransactionRunner } from '../../database/unit-of-work';
import type { CaseSnapshot, EventName } from '../../events/event-map';
import { ActionExecutor } from '../actions/action-executor';
import type { DraftDryRunDto, DryRunDto } from '../dto/rule.dto';
import { RulesService } from '../rules/rules.service';
import type { Rule, TimeBasedTrigger } from '../rules/rule.types';
import type { DryRunResult } from '../../../../contracts/workflows';
import { forDryRun } from './run-request';
import { conditionsMatch, explainConditions } from '../conditions/condition-evaluator';
import { matchRule, type MatchableEvent } from './rule-matcher';


/** The event a rule listens to, when the caller names none. */
function defaultEvent(rule: Rule, c: CaseSnapshot): { name: EventName; fromStatus?: string; toStatus?: string } {
  switch (rule.triggerType) {
    case 'STATUS_CHANGE': {
      const cfg = rule.triggerConfig;
      return { name: 'case.status_changed', fromStatus: cfg.fromStatus?.[0] ?? c.status, toStatus: cfg.toStatus?.[0] ?? c.status };
    }
    case 'EVENT':
      return { name: rule.triggerConfig.event };
    default:
      return { name: 'case.updated' };
  }
}

/**
 * Evaluates a rule against a case as it is now and says what each action
 * would do. Runs in a READ ONLY transaction: the database refuses any write,
 * so a dry run cannot change anything even by mistake.
 */
@Injectable()
export class DryRunService {
  constructor(
    private readonly rules: RulesService,
    private readonly cases: CasesService,
    private readonly executor: ActionExecutor,
    private readonly tx: TransactionRunner,
  ) {}

  async run(ruleId: string, dto: DryRunDto): Promise<DryRunResult> {
    return this.evaluate(await this.rules.get(ruleId), dto);
  }

  /** The same dry run for a rule body that is not saved: validated as POST /rules validates it (400 naming the problem). */
  async runDraft(dto: DraftDryRunDto): Promise<DryRunResult> {
    return this.evaluate(await this.rules.draft(dto.rule), dto);
  }

  private evaluate(rule: Rule, dto: DryRunDto): Promise<DryRunResult> {
    return this.tx.runReadOnly(async (uow) => {
      const c = await this.cases.snapshot(dto.caseId, uow);
      if (!c) throw new NotFoundException('case not found');
      const now = new Date();
      let matched: boolean;
      let reasons: string[];
      if (rule.triggerType === 'TIME_BASED') {
        ({ matched, reasons } = this.timeBased(rule, c, rule.triggerConfig, now));
      } else {
        const e = dto.event ?? defaultEvent(rule, c);
        const event: MatchableEvent = {
          name: e.name, case: c, at: now, fromStatus: e.fromStatus, toStatus: e.toStatus ?? (e.name === 'case.status_changed' ? c.status : undefined),
          // "As it is now": a CONDITION rule is asked whether it would fire if the case had just become like this.
          before: null,
        };
        const result = matchRule({ ...rule, isEnabled: true, pausedAt: null }, event);
        matched = result.matched;
        reasons = [`event ${e.name}${e.fromStatus || e.toStatus ? ` (${e.fromStatus ?? '?'} → ${e.toStatus ?? c.status})` : ''}`, ...result.reasons];
      }
      if (!rule.isEnabled) reasons.push('note: the rule is disabled, so it would not run until enabled');
      if (rule.pausedAt) reasons.push(`note: the rule is paused (${rule.pausedReason ?? 'by the circuit breaker'}), so it would not run until resumed`);
      const ctx = forDryRun(rule, c.id, dto.event?.name ?? defaultEvent(rule, c).name, dto.event?.fromStatus ?? null);
      const actions: DryRunResult['actions'] = [];
      for (const action of [...rule.actions].sort((a, b) => a.sequence - b.sequence)) {
        actions.push({ actionType: action.actionType, wouldDo: await this.executor.describe(action, ctx, c, uow) });
      }
      return { matched, reasons, actions };
    });
  }

  private timeBased(rule: Rule, c: CaseSnapshot, cfg: TimeBasedTrigger, now: Date): { matched: boolean; reasons: string[] } {
    const scopeOk = !rule.scopeCodes.length || rule.scopeCodes.includes(c.scopeCode);
    const typeOk = !rule.caseTypes.length || rule.caseTypes.includes(c.caseType);
    const reasons = [`on schedule "${cfg.cron}" (${cfg.timeZone ?? 'UTC'})`];
    if (!scopeOk) reasons.push(`case scope ${c.scopeCode} is not in [${rule.scopeCodes.join(', ')}]`);
    if (!typeOk) reasons.push(`case type ${c.caseType} is not in [${rule.caseTypes.join(', ')}]`);
    reasons.push(...explainConditions(c, cfg.conditions, now).map((r) => r.explanation));
    return { matched: scopeOk && typeOk && conditionsMatch(c, cfg.conditions, 'ALL', now), reasons };
  }
}
