import { describe, expect, it } from '@jest/globals';
import type { AppConfig } from '../config/app-config';
import type { TransactionRunner, UnitOfWork } from '../database/unit-of-work';
import type { FailureCounts, LoginFailureRepository } from './login-failure.repository';
import { decide, LoginThrottle, TooManyLoginsException } from './login-throttle';

const limits = { maxFailuresPerAccount: 3, maxFailuresPerAddress: 5 };

/** login_failures in memory, with a clock the test moves. */
class FakeFailures {
  now = 0;
  private rows: Array<{ id: string; account: string; address: string; at: number }> = [];
  private next = 0;
  constructor(private readonly windowMs: number) {}
  async lock(): Promise<void> {}
  async counts(account: string, address: string): Promise<FailureCounts> {
    const live = this.rows.filter((r) => this.now - r.at < this.windowMs);
    const a = live.filter((r) => r.account === account);
    const i = live.filter((r) => r.address === address);
    const left = (at: number) => Math.ceil((at + this.windowMs - this.now) / 1000);
    return {
      accountFailures: a.length, addressFailures: i.length,
      accountClearsIn: a.length ? left(Math.min(...a.map((r) => r.at))) : 0,
      addressCleanIn: i.length ? left(Math.max(...i.map((r) => r.at))) : 0,
      addressEasesIn: i.length ? left(Math.min(...i.map((r) => r.at))) : 0,
    };
  }
  async insert(account: string, address: string): Promise<string> {
    const id = String(++this.next);
    this.rows.push({ id, account, address, at: this.now });
    return id;
  }
  async remove(id: string): Promise<void> {
    this.rows = this.rows.filter((r) => r.id !== id);
  }
  async clear(account: string, address: string): Promise<void> {
    this.rows = this.rows.filter((r) => !(r.account === account && r.address === address));
  }
  async pruneOlderThan(): Promise<void> {}
}

function throttle(windowMs = 15 * 60_000) {
  const failures = new FakeFailures(windowMs);
  const transactions = { run: <T>(work: (uow: UnitOfWork) => Promise<T>) => work({} as UnitOfWork) } as unknown as TransactionRunner;
  const config = { loginMaxFailuresPerAccount: limits.maxFailuresPerAccount, loginMaxFailuresPerAddress: limits.maxFailuresPerAddress } as AppConfig;
  return { failures, throttle: new LoginThrottle(failures as unknown as LoginFailureRepository, transactions, config) };
}

async function status(attempt: Promise<unknown>): Promise<number> {
  try {
    await attempt;
    return 0;
  } catch (error) {
    return (error as TooManyLoginsException).getStatus();
  }
}

describe('the login throttling rule', () => {
  const counts = (accountFailures: number, addressFailures: number) =>
    ({ accountFailures, addressFailures, accountClearsIn: 600, addressCleanIn: 300, addressEasesIn: 100 });

  it.each([
    // [account failures, address failures, verdict]
    [0, 0, 'ALLOW'],
    [2, 4, 'ALLOW'],
    [3, 0, 'ALLOW'], // an account under attack: a clean address still gets its password checked
    [50, 0, 'ALLOW'],
    [3, 1, 'ACCOUNT_LIMITED'],
    [0, 5, 'ADDRESS_LIMITED'],
    [3, 5, 'ADDRESS_LIMITED'],
  ] as const)('account %i, address %i → %s', (account, address, verdict) => {
    expect(decide(counts(account, address), limits).verdict).toBe(verdict);
  });

  it('tells how long to wait: the address until it eases, the account until it or the address clears', () => {
    expect(decide(counts(0, 5), limits).retryAfterSeconds).toBe(100);
    expect(decide(counts(3, 1), limits).retryAfterSeconds).toBe(300);
    expect(decide({ ...counts(3, 1), accountClearsIn: 0 }, limits).retryAfterSeconds).toBe(1);
  });
});

describe('LoginThrottle', () => {
  it('counts attempts as they begin, whatever the spelling of the email; clean addresses still get through', async () => {
    const { throttle: t } = throttle();
    for (const [email, ip] of [['a@x.io', '1.1.1.1'], [' A@X.io', '1.1.1.2'], ['a@x.io  ', '1.1.1.3']]) expect(await status(t.begin(email, ip))).toBe(0);
    const refused = await t.begin('a@x.io', '1.1.1.1').catch((e) => e);
    expect(refused).toBeInstanceOf(TooManyLoginsException);
    expect(refused.retryAfterSeconds).toBeGreaterThan(0);
    expect(await status(t.begin('a@x.io', '1.1.1.9'))).toBe(0);
    expect(await status(t.begin('b@x.io', '1.1.1.1'))).toBe(0);
  });

  it('refuses an address after its limit across accounts; a success gives the address its attempt back', async () => {
    const { throttle: t } = throttle();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(await t.begin(`u${i}@x.io`, '2.2.2.2'));
    expect(await status(t.begin('other@x.io', '2.2.2.2'))).toBe(429);
    await t.succeeded(ids[4], 'u4@x.io', '2.2.2.2', {} as UnitOfWork);
    expect(await status(t.begin('other@x.io', '2.2.2.2'))).toBe(0);
    expect(await status(t.begin('other@x.io', '2.2.2.3'))).toBe(0);
  });

  it('an attempt that could not be decided (database down) counts against neither the account nor the address', async () => {
    const { throttle: t } = throttle();
    for (let i = 0; i < 20; i++) await t.abandoned(await t.begin('d@x.io', '4.4.4.4'));
    for (let i = 0; i < 3; i++) expect(await status(t.begin('d@x.io', '4.4.4.4'))).toBe(0);
    expect(await status(t.begin('d@x.io', '4.4.4.4'))).toBe(429);
  });

  it('the window slides: failures older than it no longer count', async () => {
    const { throttle: t, failures } = throttle(1000);
    for (let i = 0; i < 3; i++) await t.begin('c@x.io', '3.3.3.9');
    expect(await status(t.begin('c@x.io', '3.3.3.9'))).toBe(429);
    failures.now = 1001;
    expect(await status(t.begin('c@x.io', '3.3.3.9'))).toBe(0);
  });
});
