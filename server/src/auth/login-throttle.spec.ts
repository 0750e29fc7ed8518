import { describe, expect, it } from '@jest/globals';
import { HttpException } from '@nestjs/common';
import { LoginThrottle } from './login-throttle';

const limits = { windowMs: 1000, maxFailuresPerAccount: 3, maxFailuresPerAddress: 5 };

function status(fn: () => void): number {
  try {
    fn();
    return 0;
  } catch (error) {
    return (error as HttpException).getStatus();
  }
}

describe('LoginThrottle', () => {
  it('refuses an account after its limit, counting attempts as they begin, whatever the spelling of the email', () => {
    const throttle = new LoginThrottle(limits, () => 0);
    expect(status(() => throttle.begin('a@x.io', '1.1.1.1'))).toBe(0);
    expect(status(() => throttle.begin(' A@X.io', '1.1.1.2'))).toBe(0);
    expect(status(() => throttle.begin('a@x.io  ', '1.1.1.3'))).toBe(0);
    expect(status(() => throttle.begin('a@x.io', '1.1.1.4'))).toBe(429);
    expect(status(() => throttle.begin('b@x.io', '1.1.1.4'))).toBe(0);
  });

  it('refuses an address after its limit across accounts; a success gives the address its attempt back', () => {
    const throttle = new LoginThrottle(limits, () => 0);
    for (let i = 0; i < 5; i++) expect(status(() => throttle.begin(`u${i}@x.io`, '2.2.2.2'))).toBe(0);
    expect(status(() => throttle.begin('other@x.io', '2.2.2.2'))).toBe(429);
    throttle.succeeded('u4@x.io', '2.2.2.2');
    expect(status(() => throttle.begin('other@x.io', '2.2.2.2'))).toBe(0);
    expect(status(() => throttle.begin('other@x.io', '2.2.2.3'))).toBe(0);
  });

  it('an attempt that could not be decided (database down) counts against neither the account nor the address', () => {
    const throttle = new LoginThrottle(limits, () => 0);
    for (let i = 0; i < 20; i++) {
      expect(status(() => throttle.begin('d@x.io', '4.4.4.4'))).toBe(0);
      throttle.abandoned('d@x.io', '4.4.4.4');
    }
    // Real failures still count from zero.
    for (let i = 0; i < 3; i++) expect(status(() => throttle.begin('d@x.io', '4.4.4.4'))).toBe(0);
    expect(status(() => throttle.begin('d@x.io', '4.4.4.4'))).toBe(429);
  });

  it('a success clears the account; the window expires', () => {
    let now = 0;
    const throttle = new LoginThrottle(limits, () => now);
    for (let i = 0; i < 3; i++) throttle.begin('c@x.io', `3.3.3.${i}`);
    expect(status(() => throttle.begin('c@x.io', '3.3.3.9'))).toBe(429);
    now = 1001;
    expect(status(() => throttle.begin('c@x.io', '3.3.3.9'))).toBe(0);
    throttle.succeeded('C@x.io ', '3.3.3.9');
    for (let i = 0; i < 3; i++) expect(status(() => throttle.begin('c@x.io', '3.3.4.1'))).toBe(0);
    expect(status(() => throttle.begin('c@x.io', '3.3.4.1'))).toBe(429);
  });
});
