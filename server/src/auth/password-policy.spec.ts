import { describe, expect, it } from '@jest/globals';
import { COMMON_PASSWORDS, passwordProblem } from './password-policy';
import { OWASP_SCRYPT_PARAMS } from './password-hasher';

describe('password policy (NIST SP 800-63B, CONTRACT §10)', () => {
  it('ships a list of at least 10,000 commonly used passwords', () => {
    expect(COMMON_PASSWORDS.size).toBeGreaterThanOrEqual(10_000);
    for (const p of ['123456', 'password', 'qwerty', 'iloveyou']) expect(COMMON_PASSWORDS.has(p)).toBe(true);
  });

  const email = 'dana.admin@example.com';
  it.each([
    ['', /at least 12 characters/],
    ['elevenchars', /at least 12 characters/],
    // 11 characters even though it is 22 UTF-16 units: length counts characters.
    ['😀'.repeat(11), /at least 12 characters/],
    ['x'.repeat(129), /at most 128 characters/],
    [email, /not be the e-mail/],
    [`  ${email.toUpperCase()} `, /not be the e-mail/],
    ['qwertyuiop123', /commonly used/],
    ['QWERTYUIOP123', /commonly used/],
    ['passwordpassword', /commonly used/],
  ])('refuses %j', (password, rule) => {
    expect(passwordProblem(password, email)).toMatch(rule);
  });

  it.each([
    'x'.repeat(12),
    'x'.repeat(128),
    '😀'.repeat(12),
    // No composition rules: all lower case, no digits, no symbols is fine when long and uncommon.
    'correct horse battery staple',
    'dana.admin@example.co',
  ])('accepts %j', (password) => {
    expect(passwordProblem(password, email)).toBeNull();
  });

  it('hashes at OWASP\'s current scrypt minimum by default', () => {
    expect(OWASP_SCRYPT_PARAMS).toEqual({ N: 2 ** 17, r: 8, p: 1 });
  });
});
