import { HttpException, HttpStatus } from '@nestjs/common';

const WINDOW_MS = 15 * 60 * 1000;
const MAX_FAILURES_PER_ACCOUNT = 10;
const MAX_FAILURES_PER_ADDRESS = 50;

interface Window { count: number; startedAt: number }

/**
 * Counts failed logins per account and per client address in a sliding
 * 15-minute window. Per process: with several processes the effective limit
 * is multiplied by their number, which still stops online guessing.
 */
export class LoginThrottle {
  private readonly failures = new Map<string, Window>();

  assertAllowed(email: string, address: string): void {
    const now = Date.now();
    if (this.count(`a:${email.toLowerCase()}`, now) >= MAX_FAILURES_PER_ACCOUNT
      || this.count(`ip:${address}`, now) >= MAX_FAILURES_PER_ADDRESS) {
      throw new HttpException('Too many failed logins; try again later', HttpStatus.TOO_MANY_REQUESTS);
    }
  }

  recordFailure(email: string, address: string): void {
    const now = Date.now();
    for (const key of [`a:${email.toLowerCase()}`, `ip:${address}`]) {
      const w = this.failures.get(key);
      if (!w || now - w.startedAt > WINDOW_MS) this.failures.set(key, { count: 1, startedAt: now });
      else w.count++;
    }
    if (this.failures.size > 100_000) this.prune(now);
  }

  recordSuccess(email: string): void {
    this.failures.delete(`a:${email.toLowerCase()}`);
  }

  private count(key: string, now: number): number {
    const w = this.failures.get(key);
    return w && now - w.startedAt <= WINDOW_MS ? w.count : 0;
  }

  private prune(now: number): void {
    for (const [key, w] of this.failures) if (now - w.startedAt > WINDOW_MS) this.failures.delete(key);
  }
}
