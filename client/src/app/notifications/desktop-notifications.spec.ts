import { shouldShowOnDesktop, type DesktopContext } from './desktop-notifications';
import type { LiveNotification } from '../../../../contracts/socket-events';

describe('desktop notification decision', () => {
  const hiddenAndAllowed: DesktopContext = { enabled: true, permission: 'granted', visibility: 'hidden' };
  const n = (priority: LiveNotification['priority'], toast = true) => ({ priority, toast });

  it('shows HIGH and URGENT while the tab is hidden, when opted in and allowed', () => {
    expect(shouldShowOnDesktop(n('URGENT'), hiddenAndAllowed)).toBe(true);
    expect(shouldShowOnDesktop(n('HIGH'), hiddenAndAllowed)).toBe(true);
  });

  it('never NORMAL or LOW', () => {
    expect(shouldShowOnDesktop(n('NORMAL'), hiddenAndAllowed)).toBe(false);
    expect(shouldShowOnDesktop(n('LOW'), hiddenAndAllowed)).toBe(false);
  });

  it('not while the tab is visible (the toast is enough)', () => {
    expect(shouldShowOnDesktop(n('URGENT'), { ...hiddenAndAllowed, visibility: 'visible' })).toBe(false);
  });

  it('not without the preference or the browser permission', () => {
    expect(shouldShowOnDesktop(n('URGENT'), { ...hiddenAndAllowed, enabled: false })).toBe(false);
    for (const permission of ['default', 'denied', 'unsupported'] as const) {
      expect(shouldShowOnDesktop(n('URGENT'), { ...hiddenAndAllowed, permission })).toBe(false);
    }
  });

  it('not when the toaster would not show it either (muted rule, quiet hours, below the minimum priority)', () => {
    expect(shouldShowOnDesktop(n('URGENT', false), hiddenAndAllowed)).toBe(false);
  });
});
