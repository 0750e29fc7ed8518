import { Injectable, NotFoundException } from '@nestjs/common';
import type { RevisionView } from '../../../../contracts/workflows';
import { RevisionRepository } from './revision.repository';
import type { Rule } from './rule.types';

/** Reading the revisions of rules (they are written by RulesService, in the transaction of each change). */
@Injectable()
export class RevisionsService {
  constructor(private readonly repository: RevisionRepository) {}

  async list(ruleId: string, page: { limit: number; offset: number }): Promise<{ items: RevisionView[]; total: number }> {
    const revisions = await this.repository.list(ruleId, page);
    if (!revisions) throw new NotFoundException('rule not found');
    return revisions;
  }

  /** The rules as they stood at `at` (for traces of past events), in evaluation order. */
  async rulesAt(at: Date): Promise<Rule[]> {
    return (await this.repository.latestUpTo(at)).filter((s) => !s.deleted)
      .sort((a, b) => a.priority - b.priority || a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
  }
}
