import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { UnitOfWork } from '../database/unit-of-work';

const SETUP_LOCK = 7_150_113;

/** Every statement on `setup_tokens` (hashes of the first-run links; none left once an admin exists). */
@Injectable()
export class SetupTokenRepository {
  constructor(private readonly dataSource: DataSource) {}

  async insert(tokenHash: string): Promise<void> {
    await this.dataSource.manager.query(`INSERT INTO setup_tokens (token_hash) VALUES ($1)`, [tokenHash]);
  }

  /** One setup at a time, in every process. */
  async lock(uow: UnitOfWork): Promise<void> {
    await uow.manager.query(`SELECT pg_advisory_xact_lock($1)`, [SETUP_LOCK]);
  }

  async exists(tokenHash: string, uow: UnitOfWork): Promise<boolean> {
    const rows = await uow.manager.query(`SELECT 1 FROM setup_tokens WHERE token_hash = $1`, [tokenHash]);
    return rows.length > 0;
  }

  async clear(uow: UnitOfWork): Promise<void> {
    await uow.manager.query(`DELETE FROM setup_tokens`);
  }
}
