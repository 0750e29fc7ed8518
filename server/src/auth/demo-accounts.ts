import { Inject, Injectable } from '@nestjs/common';
import type { DemoAccount } from '../../../contracts/api';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { DEMO_USERS } from '../demo/demo-data';
import { demoRefusal } from '../demo/demo-policy';
import { UsersService } from '../users/users.service';

/**
 * The demo accounts the login page may list: only where demo data may load (DEMO_DATA on, loopback HOST, not
 * production), only accounts this server seeded as demo users, and only while they still have the password they
 * were seeded with (their hash is unchanged). One indexed SELECT, no password check on this public route.
 */
@Injectable()
export class DemoAccounts {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig, private readonly users: UsersService) {}

  /** Empty unless this server loaded demo data; only accounts that still have their published password. */
  async list(): Promise<DemoAccount[]> {
    if (!this.config.demoData || demoRefusal(this.config)) return [];
    const listed = await this.users.withDemoPassword(DEMO_USERS.map((u) => u.email));
    const accounts = DEMO_USERS.filter((u) => listed.has(u.email.toLowerCase()))
      .map((u): DemoAccount => ({ email: u.email, password: u.password, role: u.role, name: u.name }));
    return accounts;
  }
}
