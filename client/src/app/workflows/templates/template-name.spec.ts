import { describe, expect, it } from 'vitest';
import { templateRuleName } from './template-name';

describe('templateRuleName', () => {
  it('keeps the template name first, then numbers it', () => {
    expect(templateRuleName('SLA reminder', 1)).toBe('SLA reminder');
    expect(templateRuleName('SLA reminder', 2)).toBe('SLA reminder (2)');
    expect(templateRuleName('SLA reminder', 3)).toBe('SLA reminder (3)');
  });
});
