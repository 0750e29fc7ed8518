import { Injectable } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import type { EntityManager } from 'typeorm';
import { RuleRepository } from './rule.repository';
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
  private loading: Promise<Rule[]> | undefined;
  /** One version check per transaction: a dispatcher batch of events shares it. */
  private readonly checked = new WeakMap<EntityManager, Rule[]>();

  constructor(private readonly repository: RuleRepository) {}

  async current(manager: EntityManager): Promise<Rule[]> {
    const known = this.checked.get(manager);
    if (known && this.version !== -1) return known;
    const rules = await this.load(manager);
    this.checked.set(manager, rules);
    return rules;
  }

  private async load(manager: EntityManager): Promise<Rule[]> {
    const v = await this.repository.ruleSetVersion(manager);
    if (v === this.version) return this.rules;
    this.loading ??= this.repository.list({}, undefined, manager).then(({ rules }) => {
      this.rules = rules;
      this.version = v;
      return rules;
    }).finally(() => { this.loading = undefined; });
    return this.loading;
  }

  @OnEvent(RULES_CHANGED)
  invalidate(): void {
    this.version = -1;
  }
}
