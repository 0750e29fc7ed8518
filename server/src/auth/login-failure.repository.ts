import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { UnitOfWork } from '../database/unit-of-work';

export interface FailureCounts {
  accountFailures: number;
  addressFailures: number;
  /** Seconds until the account's oldest counted failure leaves the window. */
  accountClearsIn: number;
  /** Seconds until the address has no failure left in the window. */
  addressCleanIn: number;
  /** Seconds until the address's oldest counted failure leaves the window. */
  addressEasesIn: number;
}

// Advisory lock classes (two-key form): attempts on one account, and from one address, are decided one at a time.
const ACCOUNT_LOCK = 7_150_101;
const ADDRESS_LOCK = 7_150_102;

/** Every statement on `login_failures`. */
@Injectable()
export class LoginFailureRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Serialises attempts on this account and from this address until `uow` ends (always account first: no deadlock). */
  async lock(accountKey: string, address: string, uow: UnitOfWork): Promise<void> {
    await uow.manager.query(
      `SELECT pg_advisory_xact_lock($1, hashtext($2)), pg_advisory_xact_lock($3, hashtext($4))`,
      [ACCOUNT_LOCK, accountKey, ADDRESS_LOCK, address]);
  }

  async counts(accountKey: string, address: string, windowSeconds: number, uow: UnitOfWork): Promise<FailureCounts> {
    const [row] = await uow.manager.query(
      `WITH a AS (SELECT failed_at FROM login_failures WHERE account_key = $1 AND failed_at > clock_timestamp() - make_interval(secs => $3)),
            i AS (SELECT failed_at FROM login_failures WHERE client_address = $2 AND failed_at > clock_timestamp() - make_interval(secs => $3))
       SELECT (SELECT count(*)::int FROM a) AS account_failures,
              (SELECT count(*)::int FROM i) AS address_failures,
              (SELECT ceil(extract(epoch FROM min(failed_at) + make_interval(secs => $3) - clock_timestamp()))::int FROM a) AS account_clears_in,
              (SELECT ceil(extract(epoch FROM max(failed_at) + make_interval(secs => $3) - clock_timestamp()))::int FROM i) AS address_clean_in,
              (SELECT ceil(extract(epoch FROM min(failed_at) + make_interval(secs => $3) - clock_timestamp()))::int FROM i) AS address_eases_in`,
      [accountKey, address, windowSeconds]);
    return {
      accountFailures: row.account_failures, addressFailures: row.address_failures,
      accountClearsIn: row.account_clears_in ?? 0, addressCleanIn: row.address_clean_in ?? 0, addressEasesIn: row.address_eases_in ?? 0,
    };
  }

  async insert(accountKey: string, address: string, uow: UnitOfWork): Promise<string> {
    const [row] = await uow.manager.query(
      `INSERT INTO login_failures (account_key, client_address) VALUES ($1, $2) RETURNING id`, [accountKey, address]);
    return String(row.id);
  }

  async remove(id: string, uow?: UnitOfWork): Promise<void> {
    await (uow?.manager ?? this.dataSource.manager).query(`DELETE FROM login_failures WHERE id = $1`, [id]);
  }

  /** A correct password from this address: its earlier failures on this account no longer count. */
  async clear(accountKey: string, address: string, uow: UnitOfWork): Promise<void> {
    await uow.manager.query(`DELETE FROM login_failures WHERE account_key = $1 AND client_address = $2`, [accountKey, address]);
  }

  async pruneOlderThan(windowSeconds: number): Promise<void> {
    await this.dataSource.manager.query(
      `DELETE FROM login_failures WHERE failed_at < clock_timestamp() - make_interval(secs => $1)`, [windowSeconds]);
  }
}
