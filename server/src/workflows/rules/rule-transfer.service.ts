import { BadRequestException, ConflictException, Injectable } from '@nestjs/common';
import type { AuthUser } from '../../common/auth-user';
import type { RuleBody, RuleExport } from '../../../../contracts/workflows';
import type { RuleTransferDto } from '../dto/rule.dto';
import { RuleRepository } from './rule.repository';
import { RulesService } from './rules.service';
import type { Rule, RuleTrigger } from './rule.types';


/** Rules out as portable JSON and back in, validated exactly like the API, all or nothing. */
@Injectable()
export class RuleTransferService {
  constructor(private readonly repository: RuleRepository, private readonly rules: RulesService) {}

  async export(): Promise<RuleExport> {
    const { rules } = await this.repository.list();
    return { format: 'auditcaseos-rules', version: 1, exportedAt: new Date().toISOString(), rules: rules.map(portable) };
  }

  async import(user: AuthUser, dto: RuleTransferDto): Promise<{ items: Rule[]; total: number }> {
    if (!dto.rules.length) throw new BadRequestException(['rules: nothing to import']);
    const existing = await this.repository.existingNames(dto.rules.map((r) => r.name.toLowerCase()));
    if (existing.length) {
      throw new ConflictException(`rules with these names already exist: ${existing.join(', ')}`);
    }
    const items = await this.rules.createMany(user, dto.rules, 'IMPORTED');
    return { items, total: items.length };
  }
}

function portable(r: Rule): RuleBody {
  return {
    name: r.name, description: r.description, ...triggerOf(r), isEnabled: r.isEnabled,
    priority: r.priority, stopProcessing: r.stopProcessing, cooldownSeconds: r.cooldownSeconds, scopeCodes: r.scopeCodes,
    caseTypes: r.caseTypes,
    actions: r.actions.map(({ id: _id, ruleId: _ruleId, ...action }) => action),
  };
}

/** Just the trigger of a rule (the pair keeps its typing). */
function triggerOf(r: Rule): RuleTrigger {
  switch (r.triggerType) {
    case 'STATUS_CHANGE': return { triggerType: r.triggerType, triggerConfig: r.triggerConfig };
    case 'EVENT': return { triggerType: r.triggerType, triggerConfig: r.triggerConfig };
    case 'CONDITION': return { triggerType: r.triggerType, triggerConfig: r.triggerConfig };
    case 'TIME_BASED': return { triggerType: r.triggerType, triggerConfig: r.triggerConfig };
  }
}
