import { Injectable } from '@nestjs/common';
import type { AuditEntry as AuditEntryView, ListResult } from '../../../contracts/api';
import type { AuditAction } from '../../../contracts/enums';
import { cappedTotal } from '../common/list';
import type { UnitOfWork } from '../database/unit-of-work';
import { AuditRepository, type AuditFilter } from './audit.repository';
import { currentClientAddress } from './request-context';

/** Who did it and from where: what every audited change carries in from its request. */
export interface AuditContext {
  actor: { id: string; name: string } | null;
  clientAddress: string | null;
}

export interface AuditEntry {
  action: AuditAction;
  targetType?: 'USER' | 'RULE' | 'WEBHOOK' | 'SESSION' | 'EVENT';
  targetId?: string | null;
  detail?: Record<string, unknown>;
}

/** No actor: changes the server makes by itself (seeding). The address, if any, comes from the request. */
export const SYSTEM_CONTEXT: AuditContext = { actor: null, clientAddress: null };

/**
 * The audit log. record() takes the unit of work of the change it records, so the entry commits or rolls
 * back with that change; there is no way to change or remove an entry.
 */
@Injectable()
export class AuditService {
  constructor(private readonly audit: AuditRepository) {}

  /** For services that know only the user: the client address comes from the request being served. */
  recordBy(uow: UnitOfWork, user: { id: string; name: string }, entry: AuditEntry): Promise<void> {
    return this.record(uow, { actor: { id: user.id, name: user.name }, clientAddress: null }, entry);
  }

  async record(uow: UnitOfWork | undefined, context: AuditContext, entry: AuditEntry): Promise<void> {
    await this.audit.insert({
      actorId: context.actor?.id ?? null, actorName: context.actor?.name ?? null, action: entry.action,
      targetType: entry.targetType ?? null, targetId: entry.targetId ?? null, detail: entry.detail ?? {},
      clientAddress: context.clientAddress ?? currentClientAddress(),
    }, uow);
  }

  async list(filter: AuditFilter, limit: number, offset: number): Promise<ListResult<AuditEntryView>> {
    const [rows, counted] = await this.audit.search(filter, limit, offset);
    return { items: rows.map((r) => ({ ...r, at: r.at.toISOString() })), ...cappedTotal(counted) };
  }
}
