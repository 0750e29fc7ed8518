import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository, type EntityManager } from 'typeorm';
import type { AuthUser } from '../common/auth-user';
import type { Role } from '../common/enums';
import type { UnitOfWork } from '../database/unit-of-work';
import { UserEntity } from './user.entity';

/** Every statement on `users`. */
@Injectable()
export class UserRepository {
  constructor(@InjectRepository(UserEntity) private readonly users: Repository<UserEntity>) {}

  page(limit: number, offset: number): Promise<[UserEntity[], number]> {
    return this.users.findAndCount({ order: { createdAt: 'DESC', id: 'DESC' }, take: limit, skip: offset });
  }

  findById(id: string): Promise<UserEntity | null> {
    return this.users.findOne({ where: { id } });
  }

  findByEmail(email: string): Promise<UserEntity | null> {
    return this.users.createQueryBuilder('u').where('lower(u.email) = lower(:email)', { email }).getOne();
  }

  /** Inserts a new user or writes a loaded one back (updated_at is set by TypeORM). */
  save(user: Partial<UserEntity>): Promise<UserEntity> {
    return this.users.save(user instanceof UserEntity ? user : this.users.create(user));
  }

  /** The active user behind a token, or null when deactivated or gone. */
  async findActive(id: string): Promise<AuthUser | null> {
    // Plain SQL: every authenticated request runs this, and the query builder costs more than the query.
    const rows: Array<{ id: string; email: string; name: string; role: Role; scope_codes: string[] }> = await this.users.manager.query(
      'SELECT id, email, name, role, scope_codes FROM users WHERE id = $1 AND is_active', [id]);
    return rows.length ? { id: rows[0].id, email: rows[0].email, name: rows[0].name, role: rows[0].role, scopeCodes: rows[0].scope_codes } : null;
  }

  /** Plain SQL: the engine asks for users for nearly every action it runs. No password hashes. */
  async findByIds(ids: string[], uow?: UnitOfWork): Promise<UserEntity[]> {
    const rows: Array<{ id: string; email: string; name: string; role: Role; is_active: boolean; scope_codes: string[]; created_at: Date; updated_at: Date }> =
      await this.manager(uow).query(
        `SELECT id, email, name, role, is_active, scope_codes, created_at, updated_at FROM users WHERE id = ANY($1::uuid[])`, [ids]);
    return rows.map((r) => Object.assign(new UserEntity(), {
      id: r.id, email: r.email, name: r.name, role: r.role, isActive: r.is_active, scopeCodes: r.scope_codes,
      createdAt: r.created_at, updatedAt: r.updated_at, passwordHash: '',
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

  count(): Promise<number> {
    return this.users.count();
  }

  private repository(uow?: UnitOfWork): Repository<UserEntity> {
    return uow ? uow.manager.getRepository(UserEntity) : this.users;
  }

  private manager(uow?: UnitOfWork): EntityManager {
    return uow?.manager ?? this.users.manager;
  }
}
