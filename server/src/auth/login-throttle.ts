import { HttpException, HttpStatus } from '@nestjs/common';

export interface LoginThrottleLimits {
  windowMs: number;
  maxFailuresPerAccount: number;
  maxFailuresPerAddress: number;
}

export const DEFAULT_LOGIN_LIMITS: LoginThrottleLimits = {
  windowMs: 15 * 60 * 1000,
  maxFailuresPerAccount: 10,
  maxFailuresPerAddress: 50,
};

interface Window { count: number; startedAt: number }

/** The account key: the email as the user lookup sees it (trimmed, case-insensitive). */
function accountKey(email: string): string {
  return `a:${email.trim().toLowerCase()}`;
}

/**
 * Counts failed logins per account and per client address in a 15-minute
 * window. An attempt is counted as a failure the moment it is let through
 * (before the slow password check) and taken back when it succeeds, so a burst
 * of concurrent guesses cannot all pass the check before any of them has
 * failed. Per process: with several processes the effective limit is
 * multiplied by their number, which still stops online guessing.
 */
export class LoginThrottle {
  private readonly failures = new Map<string, Window>();

  constructor(
    private readonly limits: LoginThrottleLimits = DEFAULT_LOGIN_LIMITS,
    private readonly now: () => number = Date.now,
  ) {}

  /** Throws 429 when the account or the address is over its limit; otherwise counts this attempt as failed. */
  begin(email: string, address: string): void {
    const now = this.now();
    const account = accountKey(email);
    const ip = `ip:${address}`;
    if (this.count(account, now) >= this.limits.maxFailuresPerAccount
      || this.count(ip, now) >= this.limits.maxFailuresPerAddress) {
      throw new HttpException('Too many failed logins; try again later', HttpStatus.TOO_MANY_REQUESTS);
    }
    for (const key of [account, ip]) {
      const w = this.failures.get(key);
      if (!w || now - w.startedAt > this.limits.windowMs) this.failures.set(key, { count: 1, startedAt: now });
      else w.count++;
    }
    if (this.failures.size > 100_000) this.prune(now);
  }

  /** The attempt begun for this account and address succeeded: the account starts afresh, the address gets its attempt back. */
  succeeded(email: string, address: string): void {
    this.failures.delete(accountKey(email));
    const w = this.failures.get(`ip:${address}`);
    if (w && w.count > 0) w.count--;
  }

  /**
   * The attempt begun could not be decided (the user lookup or the password check threw, e.g. the database was
   * down): it counts against neither the account nor the address, or users retrying through an outage would be
   * locked out for the rest of the window.
   */
  abandoned(email: string, address: string): void {
    for (const key of [accountKey(email), `ip:${address}`]) {
      const w = this.failures.get(key);
      if (w && w.count > 0) w.count--;
    }
  }

  private count(key: string, now: number): number {
    const w = this.failures.get(key);
    return w && now - w.startedAt <= this.limits.windowMs ? w.count : 0;
  }

  private prune(now: number): void {
    for (const [key, w] of this.failures) if (now - w.startedAt > this.limits.windowMs) this.failures.delete(key);
  }
}
