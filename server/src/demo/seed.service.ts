import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { SYSTEM_CONTEXT } from '../audit/audit.service';
import { SetupService } from '../setup/setup.service';
import { CasesService } from '../cases/cases.service';
import type { AuthUser } from '../common/auth-user';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { withAdvisoryLock } from '../database/advisory-lock';
import { UsersService } from '../users/users.service';
import { RulesService } from '../workflows/rules/rules.service';
import { DEMO_CASES, DEMO_RULES, DEMO_USERS } from './demo-data';
import { demoRefusal } from './demo-policy';

export { demoRefusal };

const SEED_LOCK = 7_150_043;

/** On an empty database: the admin from ADMIN_EMAIL/ADMIN_PASSWORD, and demo data when DEMO_DATA is on. */
@Injectable()
export class SeedService implements OnApplicationBootstrap {
  private readonly logger = new Logger('Seed');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly dataSource: DataSource,
    private readonly users: UsersService,
    private readonly cases: CasesService,
    private readonly rules: RulesService,
    private readonly setup: SetupService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    // Two processes starting together must not both seed.
    await withAdvisoryLock(this.dataSource, SEED_LOCK, true, async () => {
      if ((await this.users.count()) > 0) return;
      if (this.config.adminEmail && this.config.adminPassword) {
        await this.users.create({ email: this.config.adminEmail, name: 'Administrator', role: 'ADMIN', password: this.config.adminPassword });
        this.logger.log(`created the initial admin ${this.config.adminEmail}`);
      }
      if (this.config.demoData) {
        const refusal = demoRefusal(this.config);
        if (refusal) this.logger.warn(`demo data not loaded: ${refusal}`);
        else await this.seedDemo();
      }
    });
    // Still nobody to sign in (no ADMIN_EMAIL, no demo data): the first admin comes through a setup link.
    await this.setup.announceIfNeeded();
  }

  private async seedDemo(): Promise<void> {
    const byEmail = new Map<string, AuthUser>();
    for (const u of DEMO_USERS) {
      const existing = await this.users.findByEmail(u.email);
      const view = existing ? await this.users.get(existing.id) : await this.users.create(u, SYSTEM_CONTEXT, undefined, { demoPassword: true });
      byEmail.set(u.email, { id: view.id, email: view.email, name: view.name, role: view.role, scopeCodes: view.scopeCodes });
    }
    const admin = byEmail.get(DEMO_USERS[0].email)!;
    // Rules first, so the demo cases already show automation at work.
    await this.rules.createMany(admin, DEMO_RULES, 'CREATED');
    for (const c of DEMO_CASES) {
      await this.cases.create(admin, {
        title: c.title, description: c.description, caseType: c.caseType, scopeCode: c.scopeCode, severity: c.severity,
        tags: c.tags, assigneeId: c.assignee ? byEmail.get(c.assignee)!.id : undefined,
        dueDate: c.dueInDays ? new Date(Date.now() + c.dueInDays * 86400_000).toISOString() : undefined,
      });
    }
    this.logger.log(`loaded demo data: ${DEMO_USERS.length} users, ${DEMO_RULES.length} rules, ${DEMO_CASES.length} cases (see README for the logins)`);
  }
}
