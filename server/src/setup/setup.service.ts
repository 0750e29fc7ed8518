import { ForbiddenException, Inject, Injectable, Logger, NotFoundException } from '@nestjs/common';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { SetupStatus, UserView } from '../../../contracts/api';
import type { AuditContext } from '../audit/audit.service';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { TransactionRunner } from '../database/unit-of-work';
import { UsersService } from '../users/users.service';
import { SetupTokenRepository } from './setup-token.repository';
import type { SetupDto } from './setup.dto';

const hashOf = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');

/**
 * First run without ADMIN_EMAIL: a one-time link in the log creates the first ADMIN. Each start while no
 * user exists logs a fresh link (only its hash is stored); every link works until one of them is used.
 */
@Injectable()
export class SetupService {
  private readonly logger = new Logger('Setup');

  constructor(
    private readonly tokens: SetupTokenRepository,
    private readonly users: UsersService,
    private readonly transactions: TransactionRunner,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Called at start, after seeding: logs the setup link when there is still nobody to sign in. */
  async announceIfNeeded(): Promise<void> {
    // Under WEB_CONCURRENCY the first worker speaks for all: one link in the log, not one per process.
    if ((this.config.clusterWorker ?? 0) > 0) return;
    if ((await this.users.count()) > 0) return;
    const token = randomBytes(32).toString('base64url');
    await this.tokens.insert(hashOf(token));
    this.logger.warn(`No user exists yet. Create the first admin at ${this.config.publicUrl}/setup?token=${token} (the link works once)`);
  }

  async status(): Promise<SetupStatus> {
    if ((await this.users.count()) > 0) throw new NotFoundException('setup is done');
    return { required: true };
  }

  async complete(dto: SetupDto, clientAddress: string | null): Promise<UserView> {
    return this.transactions.run(async (uow) => {
      await this.tokens.lock(uow);
      if ((await this.users.count(uow)) > 0) throw new NotFoundException('setup is done');
      const hash = hashOf(dto.token);
      // The lookup is by hash: comparing again in constant time costs nothing and keeps timing flat.
      if (!(await this.tokens.exists(hash, uow)) || !timingSafeEqual(Buffer.from(hash), Buffer.from(hashOf(dto.token)))) {
        throw new ForbiddenException('invalid setup token: use the link from the server log');
      }
      const context: AuditContext = { actor: null, clientAddress };
      const admin = await this.users.create({ email: dto.email, name: dto.name, role: 'ADMIN', password: dto.password }, context, uow);
      await this.tokens.clear(uow);
      this.logger.log(`first admin ${admin.email} created through the setup link`);
      return admin;
    });
  }
}
