import { HttpException, HttpStatus, Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { TransactionRunner, type UnitOfWork } from '../database/unit-of-work';
import { LoginFailureRepository } from './login-failure.repository';

export const LOGIN_WINDOW_SECONDS = 15 * 60;

/** 429 with the seconds to wait (the controller sends them as Retry-After). */
export class TooManyLoginsException extends HttpException {
  constructor(readonly retryAfterSeconds: number, message: string) {
    super(message, HttpStatus.TOO_MANY_REQUESTS);
  }
}

/** The account key: the email as the user lookup sees it (trimmed, case-insensitive). */
export function accountKey(email: string): string {
  return email.trim().toLowerCase();
}

export interface LoginDecision {
  verdict: 'ALLOW' | 'ACCOUNT_LIMITED' | 'ADDRESS_LIMITED';
  retryAfterSeconds: number;
}

/**
 * The rule itself, apart from storage (CONTRACT §10): an address over its own limit waits, for every
 * account; an account over its limit makes addresses with recent failures wait, but an address with no
 * recent failure is always let through to check its password, so nobody can lock a user out by failing
 * on purpose from somewhere else.
 */
export function decide(
  c: { accountFailures: number; addressFailures: number; accountClearsIn: number; addressCleanIn: number; addressEasesIn: number },
  limits: { maxFailuresPerAccount: number; maxFailuresPerAddress: number },
): LoginDecision {
  if (c.addressFailures >= limits.maxFailuresPerAddress) return { verdict: 'ADDRESS_LIMITED', retryAfterSeconds: Math.max(1, c.addressEasesIn) };
  if (c.accountFailures >= limits.maxFailuresPerAccount && c.addressFailures > 0) {
    return { verdict: 'ACCOUNT_LIMITED', retryAfterSeconds: Math.max(1, Math.min(c.accountClearsIn, c.addressCleanIn)) };
  }
  return { verdict: 'ALLOW', retryAfterSeconds: 0 };
}

/**
 * Failed logins per account and per client address over a sliding 15-minute window, kept in PostgreSQL
 * so every process counts the same attempts. An attempt is recorded as a failure when it is let through
 * (before the slow password check) and taken back when it succeeds or cannot be decided, so a burst of
 * concurrent guesses cannot all pass the check before any of them has failed.
 */
@Injectable()
export class LoginThrottle {
  private attemptsSincePrune = 0;

  constructor(
    private readonly failures: LoginFailureRepository,
    private readonly transactions: TransactionRunner,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Throws TooManyLoginsException, or records this attempt as failed and returns its id. */
  async begin(email: string, address: string): Promise<string> {
    if (++this.attemptsSincePrune >= 200) {
      this.attemptsSincePrune = 0;
      await this.failures.pruneOlderThan(LOGIN_WINDOW_SECONDS);
    }
    const key = accountKey(email);
    return this.transactions.run(async (uow) => {
      await this.failures.lock(key, address, uow);
      const decision = decide(await this.failures.counts(key, address, LOGIN_WINDOW_SECONDS, uow), {
        maxFailuresPerAccount: this.config.loginMaxFailuresPerAccount, maxFailuresPerAddress: this.config.loginMaxFailuresPerAddress,
      });
      if (decision.verdict === 'ADDRESS_LIMITED') {
        throw new TooManyLoginsException(decision.retryAfterSeconds, 'Too many failed logins from your address; try again later');
      }
      if (decision.verdict === 'ACCOUNT_LIMITED') {
        throw new TooManyLoginsException(decision.retryAfterSeconds, 'Too many failed logins for this account; try again later');
      }
      return this.failures.insert(key, address, uow);
    });
  }

  /** The attempt succeeded (in the sign-in's own transaction): it and this address's failures on the account are forgotten. */
  async succeeded(attemptId: string, email: string, address: string, uow: UnitOfWork): Promise<void> {
    await this.failures.remove(attemptId, uow);
    await this.failures.clear(accountKey(email), address, uow);
  }

  /**
   * The attempt could not be decided (the user lookup or the password check threw, e.g. the database was
   * down): it counts against neither the account nor the address.
   */
  async abandoned(attemptId: string): Promise<void> {
    await this.failures.remove(attemptId).catch(() => undefined);
  }
}
