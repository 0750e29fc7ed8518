import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { hashPassword } from '../auth/password-hasher';
import type { AuthUser } from '../common/auth-user';
import type { Role } from '../common/enums';
import { PageQuery, type ListResult } from '../common/list';
import { isUniqueViolation } from '../database/sql-errors';
import type { UnitOfWork } from '../database/unit-of-work';
import type { CreateUserDto, UpdateUserDto, UserView } from './dto/user.dto';
import { scopeAccessProblem, type ScopeAccessProblem } from './scope-access';
import type { UserEntity } from './user.entity';
import { UserRepository } from './user.repository';

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
    private readonly users: UserRepository,
    private readonly emitter: EventEmitter2,
  ) {}

  async list(page: PageQuery): Promise<ListResult<UserView>> {
    const [rows, total] = await this.users.page(page.limit, page.offset);
    return { items: rows.map(toUserView), total };
  }

  async get(id: string): Promise<UserView> {
    return toUserView(await this.require(id));
  }

  async create(dto: CreateUserDto): Promise<UserView> {
    const existing = await this.findByEmail(dto.email);
    if (existing) throw new ConflictException(`a user with email ${dto.email} already exists`);
    const user = {
      email: dto.email.toLowerCase(), name: dto.name, role: dto.role,
      passwordHash: await hashPassword(dto.password), scopeCodes: [...new Set(dto.scopeCodes ?? [])], isActive: true,
    };
    try {
      return toUserView(await this.users.save(user));
    } catch (error) {
      if (isUniqueViolation(error)) {
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
    return this.users.findByEmail(email);
  }

  /** The active user behind a token, or null when deactivated or gone. */
  findActive(id: string): Promise<AuthUser | null> {
    return this.users.findActive(id);
  }

  /**
   * Within a unit of work each user is read once: an engine batch notifying the same assignees again and
   * again asks only for new ones.
   */
  async findManyByIds(ids: string[], uow?: UnitOfWork): Promise<UserEntity[]> {
    if (!ids.length) return [];
    if (!uow) return this.users.findByIds(ids);
    const cache = uow.cache<UserEntity>('users');
    const missing = [...new Set(ids.filter((id) => !cache.has(id)))];
    if (missing.length) for (const u of await this.users.findByIds(missing, uow)) cache.set(u.id, u);
    return [...new Set(ids)].map((id) => cache.get(id)).filter((u): u is UserEntity => !!u);
  }

  /**
   * For each id: the user (when they exist) and why they may not work on a case of `scopeCode` (null: they
   * may). Case assignment, rule assignment and rule notifications all ask this one question.
   */
  async scopeAccess(ids: string[], scopeCode: string, uow?: UnitOfWork): Promise<Map<string, { user: UserEntity | undefined; problem: ScopeAccessProblem }>> {
    const byId = new Map((await this.findManyByIds(ids, uow)).map((u) => [u.id, u]));
    return new Map(ids.map((id) => [id, { user: byId.get(id), problem: scopeAccessProblem(byId.get(id), scopeCode) }]));
  }

  /** Active users who may see `scopeCode`, optionally of one role, ordered by id (stable for round robin). */
  findAssignable(scopeCode: string, role: Role | undefined, uow?: UnitOfWork): Promise<UserEntity[]> {
    return this.users.findAssignable(scopeCode, role, uow);
  }

  activeAdminIds(uow?: UnitOfWork): Promise<string[]> {
    return this.users.activeAdminIds(uow);
  }

  count(): Promise<number> {
    return this.users.count();
  }

  private async require(id: string): Promise<UserEntity> {
    const user = await this.users.findById(id);
    if (!user) throw new NotFoundException('user not found');
    return user;
  }
}
