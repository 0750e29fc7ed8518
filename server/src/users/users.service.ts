import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { Repository, type EntityManager } from 'typeorm';
import { hashPassword } from '../auth/password-hasher';
import type { AuthUser } from '../common/auth-user';
import type { Role } from '../common/enums';
import { PageQuery, type ListResult } from '../common/list';
import type { UnitOfWork } from '../database/unit-of-work';
import type { CreateUserDto, UpdateUserDto, UserView } from './dto/user.dto';
import { UserEntity } from './user.entity';

/** In-process signal: a user was deactivated or changed role/scopes (sockets re-check). */
export const USER_ACCESS_CHANGED = 'user.access_changed';

export function toUserView(u: UserEntity): UserView {
  return {
    id: u.id, email: u.email, name: u.name, role: u.role, isActive: u.isActive,
    scopeCodes: u.scopeCodes, createdAt: u.createdAt.toISOString(),
  };
}

@Injectable()
export class UsersService {
  constructor(
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
    private readonly emitter: EventEmitter2,
  ) {}

  async list(page: PageQuery): Promise<ListResult<UserView>> {
    const [rows, total] = await this.users.findAndCount({
      order: { createdAt: 'DESC', id: 'DESC' }, take: page.limit, skip: page.offset,
    });
    return { items: rows.map(toUserView), total };
  }

  async get(id: string): Promise<UserView> {
    return toUserView(await this.require(id));
  }

  async create(dto: CreateUserDto): Promise<UserView> {
    const existing = await this.findByEmail(dto.email);
    if (existing) throw new ConflictException(`a user with email ${dto.email} already exists`);
    const user = this.users.create({
      email: dto.email.toLowerCase(), name: dto.name, role: dto.role,
      passwordHash: await hashPassword(dto.password), scopeCodes: [...new Set(dto.scopeCodes ?? [])], isActive: true,
    });
    try {
      return toUserView(await this.users.save(user));
    } catch (error) {
      if ((error as { driverError?: { code?: string } }).driverError?.code === '23505') {
        throw new ConflictException(`a user with email ${dto.email} already exists`);
      }
      throw error;
    }
  }

  async update(id: string, dto: UpdateUserDto): Promise<UserView> {
    const user = await this.require(id);
    const accessChanged = (dto.isActive !== undefined && dto.isActive !== user.isActive)
      || (dto.role !== undefined && dto.role !== user.role)
      || (dto.scopeCodes !== undefined && dto.scopeCodes.join() !== user.scopeCodes.join());
    if (dto.name !== undefined) user.name = dto.name;
    if (dto.role !== undefined) user.role = dto.role;
    if (dto.isActive !== undefined) user.isActive = dto.isActive;
    if (dto.scopeCodes !== undefined) user.scopeCodes = [...new Set(dto.scopeCodes)];
    const saved = await this.users.save(user);
    if (accessChanged) this.emitter.emit(USER_ACCESS_CHANGED, { userId: id, isActive: saved.isActive });
    return toUserView(saved);
  }

  findByEmail(email: string): Promise<UserEntity | null> {
    return this.users.createQueryBuilder('u').where('lower(u.email) = lower(:email)', { email }).getOne();
  }

  /** The active user behind a token, or null when deactivated or gone. */
  async findActive(id: string): Promise<AuthUser | null> {
    // Plain SQL: every authenticated request runs this, and the query builder costs more than the query.
    const rows: Array<{ id: string; email: string; name: string; role: Role; scope_codes: string[] }> = await this.users.manager.query(
      'SELECT id, email, name, role, scope_codes FROM users WHERE id = $1 AND is_active', [id]);
    return rows.length ? { id: rows[0].id, email: rows[0].email, name: rows[0].name, role: rows[0].role, scopeCodes: rows[0].scope_codes } : null;
  }

  /**
   * Plain SQL: the engine calls this for nearly every action it runs. Within a unit of work each user
   * is read once: an engine batch notifying the same assignees again and again asks only for new ones.
   */
  async findManyByIds(ids: string[], uow?: UnitOfWork): Promise<UserEntity[]> {
    if (!ids.length) return [];
    if (!uow) return this.loadByIds(ids, this.users.manager);
    const cache = uow.cache<UserEntity>('users');
    const missing = [...new Set(ids.filter((id) => !cache.has(id)))];
    if (missing.length) for (const u of await this.loadByIds(missing, uow.manager)) cache.set(u.id, u);
    return [...new Set(ids)].map((id) => cache.get(id)).filter((u): u is UserEntity => !!u);
  }

  private async loadByIds(ids: string[], manager: EntityManager): Promise<UserEntity[]> {
    const rows: Array<{ id: string; email: string; name: string; role: Role; is_active: boolean; scope_codes: string[]; created_at: Date; updated_at: Date }> =
      await manager.query(
        `SELECT id, email, name, role, is_active, scope_codes, created_at, updated_at FROM users WHERE id = ANY($1::uuid[])`, [ids]);
    return rows.map((r) => Object.assign(new UserEntity(), {
      id: r.id, email: r.email, name: r.name, role: r.role, isActive: r.is_active, scopeCodes: r.scope_codes,
      createdAt: r.created_at, updatedAt: r.updated_at, passwordHash: '',
    }));
  }

  /** Active users who may see `scopeCode`, optionally of one role, ordered by id (stable for round robin). */
  async findAssignable(scopeCode: string, role: Role | undefined, uow?: UnitOfWork): Promise<UserEntity[]> {
    const repo = uow ? uow.manager.getRepository(UserEntity) : this.users;
    const qb = repo.createQueryBuilder('u')
      .where('u.is_active')
      .andWhere("(u.role = 'ADMIN' OR cardinality(u.scope_codes) = 0 OR :scope = ANY(u.scope_codes))", { scope: scopeCode })
      .orderBy('u.id');
    if (role) qb.andWhere('u.role = :role', { role });
    return qb.getMany();
  }

  async activeAdminIds(uow?: UnitOfWork): Promise<string[]> {
    const repo = uow ? uow.manager.getRepository(UserEntity) : this.users;
    const rows = await repo.find({ where: { role: 'ADMIN', isActive: true }, select: { id: true } });
    return rows.map((r) => r.id);
  }

  count(): Promise<number> {
    return this.users.count();
  }

  private async require(id: string): Promise<UserEntity> {
    const user = await this.users.findOne({ where: { id } });
    if (!user) throw new NotFoundException('user not found');
    return user;
  }
}
