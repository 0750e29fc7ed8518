import { BadRequestException, ConflictException, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AuthUser } from '../../common/auth-user';
import type { CreateRuleDto, RuleTransferDto } from '../dto/rule.dto';
import { loadRules } from './rule-rows';
import { RulesService } from './rules.service';
import type { Rule } from './rule.types';

export interface RuleExport {
  format: 'auditcaseos-rules';
  version: 1;
  exportedAt: string;
  rules: CreateRuleDto[];
}

/** Rules out as portable JSON and back in, validated exactly like the API, all or nothing. */
@Injectable()
export class RuleTransferService {
  constructor(private readonly dataSource: DataSource, private readonly rules: RulesService) {}

  async export(): Promise<RuleExport> {
    const { rules } = await loadRules(this.dataSource.manager);
    return { format: 'auditcaseos-rules', version: 1, exportedAt: new Date().toISOString(), rules: rules.map(portable) };
  }

  async import(user: AuthUser, dto: RuleTransferDto): Promise<{ items: Rule[]; total: number }> {
    if (!dto.rules.length) throw new BadRequestException(['rules: nothing to import']);
    const existing: Array<{ name: string }> = await this.dataSource.query(
      'SELECT name FROM workflow_rules WHERE lower(name) = ANY($1)', [dto.rules.map((r) => r.name.toLowerCase())]);
    if (existing.length) {
      throw new ConflictException(`rules with these names already exist: ${existing.map((e) => e.name).join(', ')}`);
    }
    const items = await this.rules.createMany(user, dto.rules, 'IMPORTED');
    return { items, total: items.length };
  }
}

function portable(r: Rule): CreateRuleDto {
  return {
    name: r.name, description: r.description, triggerType: r.triggerType, triggerConfig: r.triggerConfig, isEnabled: r.isEnabled,
    priority: r.priority, stopProcessing: r.stopProcessing, cooldownSeconds: r.cooldownSeconds, scopeCodes: r.scopeCodes,
    caseTypes: r.caseTypes,
    actions: r.actions.map((a) => ({ actionType: a.actionType, actionConfig: a.actionConfig, sequence: a.sequence })),
  };
}
