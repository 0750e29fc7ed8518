import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Role } from '../../common/enums';
import { managerOf, type Executor } from '../../database/executor';

/** A user as single sign-on sees it. */
export interface OidcUserRow {
  id: string;
  email: string;
  name: string;
  role: Role;
  isActive: boolean;
  scopeCodes: string[];
  authProvider: string;
}

export interface OidcProfile {
  email: string;
  name: string;
  role: Role;
  scopeCodes: string[];
}

interface Row { id: string; email: string; name: string; role: Role; is_active: boolean; scope_codes: string[]; auth_provider: string }

const COLUMNS = 'id, email, name, role, is_active, scope_codes, auth_provider';
const toUser = (r: Row): OidcUserRow => ({
  id: r.id, email: r.email, name: r.name, role: r.role, isActive: r.is_active, scopeCodes: r.scope_codes, authProvider: r.auth_provider,
});

/**
 * The statements single sign-on runs on `users`: the provider identity columns (oidc_issuer, oidc_subject) and
 * the role, scopes, name and e-mail the provider's claims decide at every sign-in. Everything else on `users`
 * belongs to the users module's repository.
 */
@Injectable()
export class OidcIdentityRepository {
  constructor(private readonly db: DataSource) {}

  async findByIdentity(issuer: string, subject: string): Promise<OidcUserRow | null> {
    const rows: Row[] = await this.db.query(`SELECT ${COLUMNS} FROM users WHERE oidc_issuer = $1 AND oidc_subject = $2`, [issuer, subject]);
    return rows.length ? toUser(rows[0]) : null;
  }

  async emailTaken(email: string, exceptId?: string): Promise<boolean> {
    const rows: unknown[] = await this.db.query(
      'SELECT 1 FROM users WHERE lower(email) = lower($1) AND ($2::uuid IS NULL OR id <> $2::uuid)', [email, exceptId ?? null]);
    return rows.length > 0;
  }

  /** A first sign-in: the user exists from now on, without a password. Null when the e-mail was taken meanwhile. */
  async create(issuer: string, subject: string, profile: OidcProfile, db?: Executor): Promise<OidcUserRow | null> {
    const rows: Row[] = await managerOf(db, this.db.manager).query(
      `INSERT INTO users (email, name, role, scope_codes, password_hash, is_active, auth_provider, oidc_issuer, oidc_subject)
       VALUES (lower($1), $2, $3, $4, NULL, true, 'OIDC', $5, $6)
       ON CONFLICT DO NOTHING
       RETURNING ${COLUMNS}`,
      [profile.email, profile.name, profile.role, profile.scopeCodes, issuer, subject]);
    return rows.length ? toUser(rows[0]) : null;
  }

  /** Later sign-ins: the provider's current word on role, scopes, name and e-mail replaces the stored one. */
  async applyProfile(id: string, profile: OidcProfile, db?: Executor): Promise<OidcUserRow> {
    // TypeORM answers an UPDATE with [rows, affected count].
    const [rows]: [Row[], number] = await managerOf(db, this.db.manager).query(
      `UPDATE users SET email = lower($2), name = $3, role = $4, scope_codes = $5, updated_at = clock_timestamp()
       WHERE id = $1 RETURNING ${COLUMNS}`,
      [id, profile.email, profile.name, profile.role, profile.scopeCodes]);
    return toUser(rows[0]);
  }

  /**
   * The setup admin: the first account ever created (by first-run setup or ADMIN_EMAIL, on an empty table), while it
   * is an ADMIN. With OIDC_LOCAL_LOGIN=false it is the one account that keeps password sign-in, so a broken provider
   * never locks everyone out.
   */
  async isSetupAdmin(id: string): Promise<boolean> {
    const rows: Array<{ id: string; role: Role }> = await this.db.query(
      'SELECT id, role FROM users ORDER BY created_at, id LIMIT 1');
    return rows.length > 0 && rows[0].id === id && rows[0].role === 'ADMIN';
  }
}
