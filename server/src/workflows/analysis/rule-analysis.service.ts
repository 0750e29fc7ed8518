import { Injectable } from '@nestjs/common';
import type { ListResult } from '../../common/list';
import type { RuleResponse } from '../../../../contracts/workflows';
import { UsersService } from '../../users/users.service';
import { RuleSetCache } from '../rules/rule-set.cache';
import type { Rule } from '../rules/rule.types';
import { fanOutWarning, type PeopleFacts } from './rule-analysis';

/** Adds the rule-set analysis (CONTRACT §12 `warnings`) to rules on their way out of the API. */
@Injectable()
export class RuleAnalysisService {
  constructor(private readonly cache: RuleSetCache, private readonly users: UsersService) {}

  async annotate(rule: Rule): Promise<RuleResponse> {
    return (await this.annotateAll([rule]))[0];
  }

  async annotateList(list: ListResult<Rule>): Promise<ListResult<RuleResponse>> {
    return { ...list, items: await this.annotateAll(list.items) };
  }

  async annotateAll(rules: Rule[]): Promise<RuleResponse[]> {
    const structural = this.cache.analysisOf(await this.cache.latest());
    const people = await this.people(rules);
    return rules.map((r) => {
      const fanOut = fanOutWarning(r, people);
      return { ...r, warnings: [...(structural.get(r.id) ?? []), ...(fanOut ? [fanOut] : [])] };
    });
  }

  /** Active admins and the active users among those the rules name: counted now, since people come and go. */
  private async people(rules: Rule[]): Promise<PeopleFacts> {
    const recipients = rules.flatMap((r) => r.actions.flatMap((a) => (a.actionType === 'SEND_NOTIFICATION' ? a.actionConfig.recipients : [])));
    const named = [...new Set(recipients.filter((x) => x !== 'ADMINS' && x !== 'ASSIGNEE' && x !== 'OWNER'))];
    const [admins, users] = await Promise.all([
      recipients.includes('ADMINS') ? this.users.activeAdminIds() : Promise.resolve([]),
      this.users.findManyByIds(named),
    ]);
    return { activeAdminIds: new Set(admins), activeUserIds: new Set(users.filter((u) => u.isActive).map((u) => u.id)) };
  }
}
