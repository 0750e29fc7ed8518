import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository, type EntityManager } from 'typeorm';
import type { UserSettings } from '../../../contracts/api';
import type { AuthUser } from '../common/auth-user';
import type { Role } from '../common/enums';
import type { UnitOfWork } from '../database/unit-of-work';
import { UserEntity } from './user.entity';
import { escapeLike } from '../database/like';

export interface UserFilter {
  /** Name or e-mail contains (case-insensitive). */
  q?: string;
  role?: Role;
  isActive?: boolean;
}

/** What a token check needs to know about its user, read in one statement. */
export interface TokenState {
  user: AuthUser;
  mustChangePassword: boolean;
  tokenVersion: number;
  keptTokenId: string | null;
  /** This very token was signed out. */
  revoked: boolean;
}

/** TypeORM answers an UPDATE … RETURNING as [rows, affected]. */
function returned<T>(result: unknown): T[] {
  return (Array.isArray(result) && Array.isArray(result[0]) ? result[0] : result) as T[];
}

/** Every statement on `users`, `revoked_tokens` (the users' signed-out tokens) and `user_settings` (their console settings). */
@Injectable()
export class UserRepository {
  constructor(@InjectRepository(UserEntity) private readonly users: Repository<UserEntity>) {}

  search(filter: UserFilter, limit: number, offset: number): Promise<[UserEntity[], number]> {
    const qb = this.users.createQueryBuilder('u').orderBy('u.created_at', 'DESC').addOrderBy('u.id', 'DESC').take(limit).skip(offset);
    if (filter.q) qb.andWhere("(u.name ILIKE :q ESCAPE '\\' OR u.email ILIKE :q ESCAPE '\\')", { q: `%${escapeLike(filter.q)}%` });
    if (filter.role) qb.andWhere('u.role = :role', { role: filter.role });
    if (filter.isActive !== undefined) qb.andWhere('u.is_active = :isActive', { isActive: filter.isActive });
    return qb.getManyAndCount();
  }

  findById(id: string, uow?: UnitOfWork): Promise<UserEntity | null> {
    return this.repository(uow).findOne({ where: { id } });
  }

  /** The row locked until the unit commits: changes that compare before and after (audit) see no interleaving. */
  lockById(id: string, uow: UnitOfWork): Promise<UserEntity | null> {
    return this.repository(uow).createQueryBuilder('u').setLock('pessimistic_write').where('u.id = :id', { id }).getOne();
  }

  findByEmail(email: string): Promise<UserEntity | null> {
    return this.users.createQueryBuilder('u').where('lower(u.email) = lower(:email)', { email }).getOne();
  }

  /** Inserts a new user or writes a loaded one back (updated_at is set by TypeORM). */
  save(user: Partial<UserEntity>, uow?: UnitOfWork): Promise<UserEntity> {
    const repo = this.repository(uow);
    return repo.save(user instanceof UserEntity ? user : repo.create(user));
  }

  /**
   * The active user behind a token and whether the token still counts, in one statement: every
   * authenticated request and socket handshake runs it (one primary-key lookup on each table).
   */
  async tokenState(id: string, tokenId: string): Promise<TokenState | null> {
    const rows: Array<{ id: string; email: string; name: string; role: Role; scope_codes: string[]; must_change_password: boolean;
      token_version: number; kept_token_id: string | null; revoked: boolean }> = await this.users.manager.query(
      `SELECT u.id, u.email, u.name, u.role, u.scope_codes, u.must_change_password, u.token_version, u.kept_token_id,
              EXISTS (SELECT 1 FROM revoked_tokens r WHERE r.token_id = $2) AS revoked
         FROM users u WHERE u.id = $1 AND u.is_active`, [id, tokenId]);
    if (!rows.length) return null;
    const r = rows[0];
    return {
      user: { id: r.id, email: r.email, name: r.name, role: r.role, scopeCodes: r.scope_codes },
      mustChangePassword: r.must_change_password, tokenVersion: r.token_version, keptTokenId: r.kept_token_id, revoked: r.revoked,
    };
  }

  /** Ends every token of the user but `keptTokenId` (null: all of them); returns the new version. */
  async endTokens(userId: string, keptTokenId: string | null, uow: UnitOfWork): Promise<number> {
    const rows = returned<{ token_version: number }>(await uow.manager.query(
      `UPDATE users SET token_version = token_version + 1, kept_token_id = $2 WHERE id = $1 RETURNING token_version`, [userId, keptTokenId]));
    return rows[0]?.token_version ?? 0;
  }

  /** Signs out one token; rows of tokens that have expired anyway are pruned on the way. */
  async revokeToken(tokenId: string, userId: string, expiresAt: Date, uow: UnitOfWork): Promise<void> {
    await uow.manager.query(`DELETE FROM revoked_tokens WHERE expires_at < now()`);
    await uow.manager.query(
      `INSERT INTO revoked_tokens (token_id, user_id, expires_at) VALUES ($1, $2, $3) ON CONFLICT (token_id) DO NOTHING`,
      [tokenId, userId, expiresAt]);
  }

  async setPassword(userId: string, passwordHash: string, mustChangePassword: boolean, uow: UnitOfWork): Promise<void> {
    await uow.manager.query(
      `UPDATE users SET password_hash = $2, must_change_password = $3, updated_at = now() WHERE id = $1`,
      [userId, passwordHash, mustChangePassword]);
  }

  /** A successful sign-in: its time, and the password's hash at today's parameters when it was older. */
  async recordLogin(userId: string, upgradedHash: string | null, uow: UnitOfWork): Promise<Date> {
    const rows = returned<{ last_login_at: Date }>(await uow.manager.query(
      `UPDATE users SET last_login_at = now(), password_hash = COALESCE($2, password_hash) WHERE id = $1 RETURNING last_login_at`,
      [userId, upgradedHash]));
    return rows[0].last_login_at;
  }

  /** Plain SQL: the engine asks for users for nearly every action it runs. No password hashes. */
  async findByIds(ids: string[], uow?: UnitOfWork): Promise<UserEntity[]> {
    const rows: Array<{ id: string; email: string; name: string; role: Role; is_active: boolean; scope_codes: string[]; created_at: Date; updated_at: Date;
      must_change_password: boolean; last_login_at: Date | null; auth_provider: UserEntity['authProvider'] }> =
      await this.manager(uow).query(
        `SELECT id, email, name, role, is_active, scope_codes, created_at, updated_at, must_change_password, last_login_at, auth_provider
           FROM users WHERE id = ANY($1::uuid[])`, [ids]);
    return rows.map((r) => Object.assign(new UserEntity(), {
      id: r.id, email: r.email, name: r.name, role: r.role, isActive: r.is_active, scopeCodes: r.scope_codes,
      createdAt: r.created_at, updatedAt: r.updated_at, passwordHash: '', mustChangePassword: r.must_change_password,
      lastLoginAt: r.last_login_at, authProvider: r.auth_provider, tokenVersion: 0, keptTokenId: null,
    }));
  }

  /** Active users who may see `scopeCode`, optionally of one role, ordered by id. */
  findAssignable(scopeCode: string, role: Role | undefined, uow?: UnitOfWork): Promise<UserEntity[]> {
    const qb = this.repository(uow).createQueryBuilder('u')
      .where('u.is_active')
      .andWhere("(u.role = 'ADMIN' OR cardinality(u.scope_codes) = 0 OR :scope = ANY(u.scope_codes))", { scope: scopeCode })
      .orderBy('u.id');
    if (role) qb.andWhere('u.role = :role', { role });
    return qb.getMany();
  }

  async activeAdminIds(uow?: UnitOfWork): Promise<string[]> {
    const rows = await this.repository(uow).find({ where: { role: 'ADMIN', isActive: true }, select: { id: true } });
    return rows.map((r) => r.id);
  }

  /** The user's saved console settings; null when they never saved any. */
  async settings(userId: string): Promise<UserSettings | null> {
    const rows: Array<{ theme: UserSettings['theme']; time_format: UserSettings['timeFormat']; time_zone: string | null }> =
      await this.users.manager.query(`SELECT theme, time_format, time_zone FROM user_settings WHERE user_id = $1`, [userId]);
    return rows.length ? { theme: rows[0].theme, timeFormat: rows[0].time_format, timeZone: rows[0].time_zone } : null;
  }

  async saveSettings(userId: string, settings: UserSettings): Promise<void> {
    await this.users.manager.query(
      `INSERT INTO user_settings (user_id, theme, time_format, time_zone, updated_at) VALUES ($1, $2, $3, $4, now())
       ON CONFLICT (user_id) DO UPDATE SET theme = EXCLUDED.theme, time_format = EXCLUDED.time_format,
         time_zone = EXCLUDED.time_zone, updated_at = now()`,
      [userId, settings.theme, settings.timeFormat, settings.timeZone]);
  }

  /** Remembers the user's current hash as the published demo password it was seeded with. */
  async markDemoPassword(userId: string, uow?: UnitOfWork): Promise<void> {
    await this.manager(uow).query(`UPDATE users SET demo_password_hash = password_hash WHERE id = $1`, [userId]);
  }

  /** Lower-case e-mails of these users that are active and still sign in with the password they were seeded with. */
  async withDemoPassword(emails: string[]): Promise<Set<string>> {
    const rows: Array<{ email: string }> = await this.users.manager.query(
      `SELECT lower(email) AS email FROM users
        WHERE lower(email) = ANY($1::text[]) AND is_active AND auth_provider = 'LOCAL' AND password_hash = demo_password_hash`,
      [emails.map((e) => e.toLowerCase())]);
    return new Set(rows.map((r) => r.email));
  }

  count(uow?: UnitOfWork): Promise<number> {
    return this.repository(uow).count();
  }

  private repository(uow?: UnitOfWork): Repository<UserEntity> {
    return uow ? uow.manager.getRepository(UserEntity) : this.users;
  }

  private manager(uow?: UnitOfWork): EntityManager {
    return uow?.manager ?? this.users.manager;
  }
}
