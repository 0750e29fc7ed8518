import { BadRequestException } from '@nestjs/common';
import { dictionary } from '@zxcvbn-ts/language-common';

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 128;

/**
 * The list of commonly used passwords shipped with zxcvbn-ts (from leaked-password corpora), read once at
 * boot. Lower-cased: "Password1234" is as common as "password1234".
 */
export const COMMON_PASSWORDS: ReadonlySet<string> = new Set(dictionary['passwords-common'].map((p) => p.toLowerCase()));

/**
 * Why `password` may not be used, or null when it may (NIST SP 800-63B: length, not the account's own
 * name, not a known common password; no composition rules). Length counts characters, not UTF-16 units.
 */
export function passwordProblem(password: string, email?: string): string | null {
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) return `password must be at least ${PASSWORD_MIN_LENGTH} characters`;
  if (length > PASSWORD_MAX_LENGTH) return `password must be at most ${PASSWORD_MAX_LENGTH} characters`;
  const lowered = password.trim().toLowerCase();
  if (email && lowered === email.trim().toLowerCase()) return 'password must not be the e-mail address';
  if (COMMON_PASSWORDS.has(lowered)) return 'password is in the list of commonly used passwords';
  return null;
}

/** 400 naming the rule a new password breaks. */
export function assertPasswordAllowed(password: string, email?: string): void {
  const problem = passwordProblem(password, email);
  if (problem) throw new BadRequestException(problem);
}
