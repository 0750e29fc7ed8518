import { isStandoutPriority, priorityRank, unreadBadgeText } from './notification-display';

describe('notification display', () => {
  it('shows the unread count on the bell, capped at 99+', () => {
    expect(unreadBadgeText(0)).toBe('');
    expect(unreadBadgeText(-3)).toBe('');
    expect(unreadBadgeText(Number.NaN)).toBe('');
    expect(unreadBadgeText(1)).toBe('1');
    expect(unreadBadgeText(99)).toBe('99');
    expect(unreadBadgeText(100)).toBe('99+');
    expect(unreadBadgeText(12345)).toBe('99+');
  });

  it('ranks priorities and marks HIGH and URGENT as standout', () => {
    expect(priorityRank('LOW')).toBeLessThan(priorityRank('NORMAL'));
    expect(priorityRank('HIGH')).toBeLessThan(priorityRank('URGENT'));
    expect(isStandoutPriority('NORMAL')).toBe(false);
    expect(isStandoutPriority('HIGH')).toBe(true);
  });
});
