import { Injectable } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import type { EntityManager } from 'typeorm';
import { RuleRepository } from './rule.repository';
import type { RuleWarning } from '../../../../contracts/workflows';
import { analyseRuleSet } from '../analysis/rule-analysis';
import type { Rule } from './rule.types';

export const RULES_CHANGED = 'workflow.rules_changed';

/**
 * Every rule in evaluation order, cached per process. A single version row,
 * bumped in the same transaction as any rule change, tells each process —
 * this one or another — when its copy is stale: one indexed read per batch
 * of events instead of reloading rules for each event.
 */
@Injectable()
export class RuleSetCache {
  private version = -1;
  private rules: Rule[] = [];
  private loading: { version: number; rules: Promise<Rule[]> } | undefined;
  /** One version check per transaction: a dispatcher batch of events shares it. */
  private readonly checked = new WeakMap<EntityManager, Rule[]>();
  /** The rule-set analysis, computed once per loaded rule set (a reload after any rule change makes a new array). */
  private readonly analyses = new WeakMap<Rule[], Map<string, RuleWarning[]>>();

  constructor(private readonly repository: RuleRepository) {}

  async current(manager: EntityManager): Promise<Rule[]> {
    const known = this.checked.get(manager);
    if (known && this.version !== -1) return known;
    const rules = await this.load(manager);
    this.checked.set(manager, rules);
    return rules;
  }

  /** The rule set as committed now (a version check every call): for answers given after a change. */
  latest(): Promise<Rule[]> {
    return this.load(this.repository.manager(undefined));
  }

  /** LOOP, SHADOWED and NEVER_MATCHES warnings of `rules` (a set this cache returned), by rule id. */
  analysisOf(rules: Rule[]): Map<string, RuleWarning[]> {
    let found = this.analyses.get(rules);
    if (!found) this.analyses.set(rules, (found = analyseRuleSet(rules)));
    return found;
  }

  private async load(manager: EntityManager): Promise<Rule[]> {
    const v = await this.repository.ruleSetVersion(manager);
    if (v === this.version) return this.rules;
    // A load is shared only by callers that saw the same version: one begun before a change commits would answer
    // the old rule set to a caller who asks after it (a rule just created would be missing from its own warnings).
    if (this.loading?.version !== v) {
      const loading = {
        version: v,
        rules: this.repository.list({}, undefined, manager).then(({ rules }) => {
          if (v >= this.version) {
            this.rules = rules;
            this.version = v;
          }
          return rules;
        }).finally(() => { if (this.loading === loading) this.loading = undefined; }),
      };
      this.loading = loading;
    }
    return this.loading.rules;
  }

  @OnEvent(RULES_CHANGED)
  invalidate(): void {
    this.version = -1;
  }
}
