import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AuditAction } from '../../../contracts/enums';
import { EXACT_TOTAL_LIMIT } from '../common/list';
import type { UnitOfWork } from '../database/unit-of-work';

export interface AuditRow {
  actorId: string | null;
  actorName: string | null;
  action: AuditAction;
  targetType: string | null;
  targetId: string | null;
  detail: Record<string, unknown>;
  clientAddress: string | null;
}

export interface AuditFilter {
  actorId?: string;
  action?: AuditAction;
  targetId?: string;
  from?: Date;
  to?: Date;
}

export interface StoredAuditRow extends AuditRow {
  id: string;
  at: Date;
}

/** Every statement on `audit_log`: inserts and reads only (the table refuses UPDATE and DELETE). */
@Injectable()
export class AuditRepository {
  constructor(private readonly dataSource: DataSource) {}

  async insert(row: AuditRow, uow?: UnitOfWork): Promise<void> {
    await (uow?.manager ?? this.dataSource.manager).query(
      `INSERT INTO audit_log (actor_id, actor_name, action, target_type, target_id, detail, client_address)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [row.actorId, row.actorName, row.action, row.targetType, row.targetId, JSON.stringify(row.detail), row.clientAddress]);
  }

  async search(filter: AuditFilter, limit: number, offset: number): Promise<[StoredAuditRow[], number]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (filter.actorId) add('actor_id = ?', filter.actorId);
    if (filter.action) add('action = ?', filter.action);
    if (filter.targetId) add('target_id = ?', filter.targetId);
    if (filter.from) add('at >= ?', filter.from);
    if (filter.to) add('at <= ?', filter.to);
    const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const manager = this.dataSource.manager;
    // Exact up to 10,000 (CONTRACT §2); beyond that the count stops there.
    const [{ total }] = await manager.query(`SELECT count(*)::int AS total FROM (SELECT 1 FROM audit_log ${clause} LIMIT ${EXACT_TOTAL_LIMIT + 1}) c`, params);
    const rows: Array<{ id: string; at: Date; actor_id: string | null; actor_name: string | null; action: AuditAction; target_type: string | null;
      target_id: string | null; detail: Record<string, unknown>; client_address: string | null }> = await manager.query(
      `SELECT id, at, actor_id, actor_name, action, target_type, target_id, detail, client_address FROM audit_log ${clause}
        ORDER BY at DESC, id DESC LIMIT $${params.length + 1} OFFSET $${params.length + 2}`, [...params, limit, offset]);
    return [rows.map((r) => ({
      id: String(r.id), at: r.at, actorId: r.actor_id, actorName: r.actor_name, action: r.action, targetType: r.target_type,
      targetId: r.target_id, detail: r.detail, clientAddress: r.client_address,
    })), total];
  }
}
