import { describe, expect, it } from 'vitest';
import { passwordRules, rulesMet, strengthLabel, warningText, type StrengthEstimate } from './password-rules';
import { loadStrengthEstimator } from './password-strength';

const strong: StrengthEstimate = { score: 4, warning: null, suggestions: [] };
const byId = (password: string, email: string, estimate: StrengthEstimate | null) =>
  Object.fromEntries(passwordRules(password, email, estimate).map((r) => [r.id, r.met]));

describe('password feedback', () => {
  it('says nothing before anything is typed', () => {
    expect(byId('', 'ada@example.com', null)).toEqual({ length: null, 'not-email': null, 'not-common': null });
    expect(rulesMet(passwordRules('', 'ada@example.com', null))).toBe(false);
  });

  it('checks the length in characters (12–128), not bytes', () => {
    expect(byId('elevenchars', 'a@b.c', strong)['length']).toBe(false);
    expect(byId('twelve chars', 'a@b.c', strong)['length']).toBe(true);
    expect(byId('é'.repeat(12), 'a@b.c', strong)['length']).toBe(true);
    expect(byId('x'.repeat(129), 'a@b.c', strong)['length']).toBe(false);
  });

  it('refuses the e-mail itself, whatever its case', () => {
    expect(byId('Ada.Lovelace@Example.com', 'ada.lovelace@example.com', strong)['not-email']).toBe(false);
    expect(byId('ada.lovelace@example.org', 'ada.lovelace@example.com', strong)['not-email']).toBe(true);
  });

  it('calls a common password what it is, and never better than too weak while a rule fails', () => {
    const common: StrengthEstimate = { score: 0, warning: 'topHundred', suggestions: [] };
    const rules = passwordRules('password1234', 'a@b.c', common);
    expect(rules.find((r) => r.id === 'not-common')?.met).toBe(false);
    expect(rulesMet(rules)).toBe(false);
    expect(strengthLabel({ ...common, score: 3 }, rules)).toBe('Too weak');
    expect(strengthLabel(strong, passwordRules('correct horse battery staple', 'a@b.c', strong))).toBe('Strong');
    expect(warningText('topHundred')).toMatch(/hundred most used/);
    expect(warningText('unknownKey')).toBeNull();
  });

  it('the lazily loaded estimator finds common passwords and the user\'s own details', async () => {
    const estimate = await loadStrengthEstimator();
    expect(estimate('password', []).score).toBe(0);
    expect(estimate('password', []).warning).toMatch(/top|common/);
    expect(estimate('xQ7!vR2#mL9@pT4', []).score).toBeGreaterThanOrEqual(3);
    expect(estimate('adalovelace1815', ['adalovelace1815']).warning).toBe('userInputs');
  });
});
