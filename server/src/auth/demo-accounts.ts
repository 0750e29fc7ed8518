import { Inject, Injectable } from '@nestjs/common';
import type { DemoAccount } from '../../../contracts/api';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { DEMO_USERS } from '../demo/demo-data';
import { demoRefusal } from '../demo/demo-policy';
import { UsersService } from '../users/users.service';
import { verifyPassword } from './password-hasher';

/** Beyond this many remembered hashes the memory starts afresh (hashes change only when a password does). */
const MAX_REMEMBERED = 200;

/**
 * The demo accounts the login page may list: only where demo data may load (DEMO_DATA on, loopback HOST, not
 * production) and only accounts that still sign in with their published password. Checking a password costs a
 * full scrypt, so each stored hash is checked once and the answer kept: an anonymous caller of the public
 * providers route costs one indexed SELECT after the first call.
 */
@Injectable()
export class DemoAccounts {
  private readonly demoPasswordBehind = new Map<string, Promise<boolean>>();

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig, private readonly users: UsersService) {}

  async list(): Promise<DemoAccount[] | null> {
    if (!this.config.demoData || demoRefusal(this.config)) return null;
    const hashes = await this.users.localPasswordHashes(DEMO_USERS.map((u) => u.email));
    const accounts: DemoAccount[] = [];
    for (const u of DEMO_USERS) {
      const hash = hashes.get(u.email.toLowerCase());
      if (hash && (await this.matches(u.password, hash))) accounts.push({ email: u.email, password: u.password, role: u.role, name: u.name });
    }
    return accounts.length ? accounts : null;
  }

  private matches(password: string, hash: string): Promise<boolean> {
    const key = `${password}\u0000${hash}`;
    let answer = this.demoPasswordBehind.get(key);
    if (!answer) {
      if (this.demoPasswordBehind.size >= MAX_REMEMBERED) this.demoPasswordBehind.clear();
      answer = verifyPassword(password, hash).catch(() => false);
      this.demoPasswordBehind.set(key, answer);
    }
    return answer;
  }
}
