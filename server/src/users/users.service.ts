import { BadRequestException, ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { randomInt } from 'node:crypto';
import type { UserSettings, UserSummary } from '../../../contracts/api';
import { timeZoneProblem } from '../common/cron-schedule';
import { assertPasswordAllowed, passwordProblem } from '../auth/password-policy';
import { hashPassword } from '../auth/password-hasher';
import { AuditService, SYSTEM_CONTEXT, type AuditContext } from '../audit/audit.service';
import type { AuthUser } from '../common/auth-user';
import type { Role } from '../common/enums';
import type { ListResult } from '../common/list';
import { isUniqueViolation } from '../database/sql-errors';
import { TransactionRunner, type UnitOfWork } from '../database/unit-of-work';
import type { CreateUserDto, UpdateUserDto, UserListQuery, UserView } from './dto/user.dto';
import type { UserSettingsDto } from './dto/user-settings.dto';
import { scopeAccessProblem, type ScopeAccessProblem } from './scope-access';
import type { UserEntity } from './user.entity';
import { UserRepository } from './user.repository';

/** In-process signal: a user was deactivated or changed role/scopes (sockets re-check). */
export const USER_ACCESS_CHANGED = 'user.access_changed';

/**
 * In-process signal, after commit: tokens ended. `tokenId`: that one token (its sockets close);
 * otherwise all of the user's tokens but `keptTokenId`.
 */
export const USER_SESSIONS_ENDED = 'user.sessions_ended';
export interface UserSessionsEnded { userId: string; tokenId?: string; keptTokenId?: string | null }

export function toUserView(u: UserEntity): UserView {
  return {
    id: u.id, email: u.email, name: u.name, role: u.role, isActive: u.isActive,
    scopeCodes: u.scopeCodes, createdAt: u.createdAt.toISOString(),
    mustChangePassword: u.mustChangePassword, lastLoginAt: u.lastLoginAt?.toISOString() ?? null, authProvider: u.authProvider,
  };
}

/** What a user who never saved settings gets: the system's theme, a 24-hour clock, the browser's time zone. */
export const DEFAULT_USER_SETTINGS: UserSettings = { theme: 'system', timeFormat: '24h', timeZone: null };

const TEMPORARY_PASSWORD_ALPHABET = 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** 20 characters from 55 symbols (~115 bits): far beyond any list of common passwords. */
function temporaryPassword(): string {
  for (;;) {
    const password = Array.from({ length: 20 }, () => TEMPORARY_PASSWORD_ALPHABET[randomInt(TEMPORARY_PASSWORD_ALPHABET.length)]).join('');
    if (!passwordProblem(password)) return password;
  }
}

@Injectable()
export class UsersService {
  constructor(
    private readonly users: UserRepository,
    private readonly emitter: EventEmitter2,
    private readonly transactions: TransactionRunner,
    private readonly audit: AuditService,
  ) {}

  /** Full users for admins (with filters); others see `{id, name, role}` of active users, no e-mails. */
  async list(caller: AuthUser, query: UserListQuery): Promise<ListResult<UserView> | ListResult<UserSummary>> {
    if (caller.role !== 'ADMIN') {
      const [rows, total] = await this.users.search({ isActive: true, role: query.role, q: undefined }, query.limit, query.offset);
      return { items: rows.map((u) => ({ id: u.id, name: u.name, role: u.role })), total };
    }
    const [rows, total] = await this.users.search({ q: query.q, role: query.role, isActive: query.isActive }, query.limit, query.offset);
    return { items: rows.map(toUserView), total };
  }

  async get(id: string): Promise<UserView> {
    return toUserView(await this.require(id));
  }

  /**
   * `demoPassword`: the demo users' published passwords predate the policy; demo data never loads beyond
   * loopback (seed.service.ts), and nothing else may skip the policy.
   */
  async create(dto: CreateUserDto, context: AuditContext = SYSTEM_CONTEXT, uow?: UnitOfWork, options: { demoPassword?: boolean } = {}): Promise<UserView> {
    if (!options.demoPassword) assertPasswordAllowed(dto.password, dto.email);
    const existing = await this.findByEmail(dto.email);
    if (existing) throw new ConflictException(`a user with email ${dto.email} already exists`);
    const user = {
      email: dto.email.trim().toLowerCase(), name: dto.name, role: dto.role,
      passwordHash: await hashPassword(dto.password), scopeCodes: [...new Set(dto.scopeCodes ?? [])], isActive: true,
    };
    try {
      return await this.transactions.run(async (unit) => {
        const saved = await this.users.save(user, unit);
        if (options.demoPassword) await this.users.markDemoPassword(saved.id, unit);
        await this.audit.record(unit, context, {
          action: 'USER_CREATED', targetType: 'USER', targetId: saved.id,
          detail: { email: saved.email, name: saved.name, role: saved.role, scopeCodes: saved.scopeCodes },
        });
        return toUserView(saved);
      }, uow);
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new ConflictException(`a user with email ${dto.email} already exists`);
      }
      throw error;
    }
  }

  async update(id: string, dto: UpdateUserDto, context: AuditContext = SYSTEM_CONTEXT): Promise<UserView> {
    return this.transactions.run(async (uow) => {
      const user = await this.users.lockById(id, uow);
      if (!user) throw new NotFoundException('user not found');
      const before = { role: user.role, scopeCodes: user.scopeCodes, isActive: user.isActive, name: user.name };
      if (dto.name !== undefined) user.name = dto.name;
      if (dto.role !== undefined) user.role = dto.role;
      if (dto.isActive !== undefined) user.isActive = dto.isActive;
      if (dto.scopeCodes !== undefined) user.scopeCodes = [...new Set(dto.scopeCodes)];
      const saved = await this.users.save(user, uow);
      const after = { role: saved.role, scopeCodes: saved.scopeCodes, isActive: saved.isActive, name: saved.name };
      const changed = (Object.keys(before) as Array<keyof typeof before>).filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]));
      if (changed.length) {
        await this.audit.record(uow, context, {
          action: 'USER_UPDATED', targetType: 'USER', targetId: id,
          detail: { before: pick(before, changed), after: pick(after, changed) },
        });
      }
      if (changed.some((k) => k !== 'name')) {
        uow.afterCommit(() => void this.emitter.emit(USER_ACCESS_CHANGED, { userId: id, isActive: saved.isActive }));
      }
      return toUserView(saved);
    });
  }

  /**
   * An admin resets a user's password: a generated temporary one (shown once), every token and socket of
   * the user ends, and the user must choose a new password at the next sign-in.
   */
  async resetPassword(id: string, context: AuditContext): Promise<{ temporaryPassword: string }> {
    const password = temporaryPassword();
    const hash = await hashPassword(password);
    await this.transactions.run(async (uow) => {
      const user = await this.users.lockById(id, uow);
      if (!user) throw new NotFoundException('user not found');
      if (user.authProvider !== 'LOCAL') throw new BadRequestException('this user signs in through single sign-on and has no password here');
      await this.users.setPassword(id, hash, true, uow);
      await this.endSessions(id, null, uow);
      await this.audit.record(uow, context, { action: 'PASSWORD_RESET', targetType: 'USER', targetId: id });
    });
    return { temporaryPassword: password };
  }

  /** Ends every token (and socket) of the user but `keptTokenId`, once `uow` commits. */
  async endSessions(userId: string, keptTokenId: string | null, uow: UnitOfWork): Promise<void> {
    await this.users.endTokens(userId, keptTokenId, uow);
    uow.afterCommit(() => void this.emitter.emit(USER_SESSIONS_ENDED, { userId, keptTokenId } satisfies UserSessionsEnded));
  }

  /** Ends one token (and its sockets), once `uow` commits. */
  async endToken(userId: string, tokenId: string, expiresAt: Date, uow: UnitOfWork): Promise<void> {
    await this.users.revokeToken(tokenId, userId, expiresAt, uow);
    uow.afterCommit(() => void this.emitter.emit(USER_SESSIONS_ENDED, { userId, tokenId } satisfies UserSessionsEnded));
  }

  async settings(userId: string): Promise<UserSettings> {
    return (await this.users.settings(userId)) ?? { ...DEFAULT_USER_SETTINGS };
  }

  /** Fields left out keep their value; an unknown time zone is refused (400) and nothing changes. */
  async saveSettings(userId: string, dto: UserSettingsDto): Promise<UserSettings> {
    if (typeof dto.timeZone === 'string') {
      const problem = timeZoneProblem(dto.timeZone);
      if (problem) throw new BadRequestException([`timeZone: ${problem}`]);
    }
    const current = await this.settings(userId);
    const next: UserSettings = {
      theme: dto.theme ?? current.theme,
      timeFormat: dto.timeFormat ?? current.timeFormat,
      timeZone: dto.timeZone === undefined ? current.timeZone : dto.timeZone,
    };
    await this.users.saveSettings(userId, next);
    return next;
  }

  /** Of these e-mails, the active users who still have the demo password they were created with (lower case). */
  withDemoPassword(emails: string[]): Promise<Set<string>> {
    return this.users.withDemoPassword(emails);
  }

  findByEmail(email: string): Promise<UserEntity | null> {
    return this.users.findByEmail(email.trim());
  }

  findById(id: string, uow?: UnitOfWork): Promise<UserEntity | null> {
    return this.users.findById(id, uow);
  }

  setPassword(userId: string, passwordHash: string, mustChangePassword: boolean, uow: UnitOfWork): Promise<void> {
    return this.users.setPassword(userId, passwordHash, mustChangePassword, uow);
  }

  recordLogin(userId: string, upgradedHash: string | null, uow: UnitOfWork): Promise<Date> {
    return this.users.recordLogin(userId, upgradedHash, uow);
  }

  /** The active user behind a token, with the token's standing (TokenService decides). */
  tokenState(id: string, tokenId: string) {
    return this.users.tokenState(id, tokenId);
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

  count(uow?: UnitOfWork): Promise<number> {
    return this.users.count(uow);
  }

  private async require(id: string): Promise<UserEntity> {
    const user = await this.users.findById(id);
    if (!user) throw new NotFoundException('user not found');
    return user;
  }
}

function pick<T extends object>(from: T, keys: Array<keyof T>): Partial<T> {
  return Object.fromEntries(keys.map((k) => [k, from[k]])) as Partial<T>;
}
