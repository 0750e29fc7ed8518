/**
 * The server's password rules (CONTRACT §10: 12–128 characters, not the e-mail, not a common password; no
 * composition rules), checked as the user types so they learn them before submitting. The server stays the judge:
 * its common-password list is larger than the strength estimator's.
 */
export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 128;

export interface PasswordRule {
  id: 'length' | 'not-email' | 'not-common';
  text: string;
  /** null: cannot be told yet (nothing typed, or the estimator still loading). */
  met: boolean | null;
}

/** What the strength estimator said (zxcvbn: score 0–4, a warning key). */
export interface StrengthEstimate {
  score: 0 | 1 | 2 | 3 | 4;
  warning: string | null;
  suggestions: string[];
}

const WARNINGS: Record<string, string> = {
  straightRow: 'Straight rows of keys are easy to guess.',
  keyPattern: 'Short keyboard patterns are easy to guess.',
  simpleRepeat: 'Repeated characters like "aaa" are easy to guess.',
  extendedRepeat: 'Repeated patterns like "abcabc" are easy to guess.',
  sequences: 'Sequences like "abc" or "6543" are easy to guess.',
  recentYears: 'Recent years are easy to guess.',
  dates: 'Dates are easy to guess.',
  topTen: 'This is one of the ten most used passwords.',
  topHundred: 'This is one of the hundred most used passwords.',
  common: 'This is a commonly used password.',
  similarToCommon: 'This is similar to a commonly used password.',
  wordByItself: 'A single word is easy to guess.',
  namesByThemselves: 'Names on their own are easy to guess.',
  commonNames: 'Common names are easy to guess.',
  userInputs: 'It contains your own details (e-mail or name).',
  pwned: 'This password has appeared in a data breach.',
};

export function warningText(key: string | null): string | null {
  if (!key) return null;
  return WARNINGS[key] ?? null;
}

/** Warnings that mean "in a list of common passwords": the server would refuse these. */
const COMMON = new Set(['topTen', 'topHundred', 'common', 'similarToCommon', 'pwned']);

export function passwordRules(password: string, email: string, estimate: StrengthEstimate | null): PasswordRule[] {
  const typed = password.length > 0;
  const length = [...password].length;
  const sameAsEmail = typed && !!email && password.trim().toLowerCase() === email.trim().toLowerCase();
  return [
    { id: 'length', text: `${MIN_PASSWORD_LENGTH}–${MAX_PASSWORD_LENGTH} characters`, met: typed ? length >= MIN_PASSWORD_LENGTH && length <= MAX_PASSWORD_LENGTH : null },
    { id: 'not-email', text: 'Not your e-mail address', met: typed ? !sameAsEmail : null },
    { id: 'not-common', text: 'Not a commonly used password', met: typed && estimate ? !(estimate.warning && COMMON.has(estimate.warning)) : null },
  ];
}

/** Words for the meter; a password the rules refuse is never called better than weak. */
export function strengthLabel(estimate: StrengthEstimate | null, rules: PasswordRule[]): string {
  if (!estimate) return '';
  if (rules.some((r) => r.met === false)) return 'Too weak';
  return ['Too weak', 'Weak', 'Fair', 'Good', 'Strong'][estimate.score];
}

export function rulesMet(rules: PasswordRule[]): boolean {
  return rules.every((r) => r.met !== false) && rules[0].met === true;
}
