import { describe, expect, it } from 'vitest';
import { LowerBoundPaginatorIntl } from './lower-bound-total';

describe('LowerBoundPaginatorIntl', () => {
  it('reads "of 10,000+" only when the server stopped counting', () => {
    const intl = new LowerBoundPaginatorIntl();
    expect(intl.getRangeLabel(0, 25, 10_000)).toBe('1 – 25 of 10,000');
    expect(intl.getRangeLabel(1, 25, 30)).toBe('26 – 30 of 30');
    expect(intl.getRangeLabel(0, 25, 0)).toBe('0 of 0');
    intl.lowerBound = true;
    expect(intl.getRangeLabel(0, 25, 10_000)).toBe('1 – 25 of 10,000+');
    expect(intl.getRangeLabel(399, 25, 10_000)).toBe('9,976 – 10,000 of 10,000+');
  });
});
