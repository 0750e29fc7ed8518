import {
  isStandoutPriority, priorityLook, priorityRank, ruleLabel, toastDurationMs, toastPanelClasses, unreadBadgeText, wantsAttention,
} from './notification-display';

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

  it('gives URGENT, HIGH and the rest each their own icon, class and words', () => {
    const urgent = priorityLook('URGENT');
    const high = priorityLook('HIGH');
    const normal = priorityLook('NORMAL');
    expect(urgent).toEqual({ icon: 'error', cssClass: 'priority-urgent', label: 'Urgent' });
    expect(high).toEqual({ icon: 'warning', cssClass: 'priority-high', label: 'High' });
    expect(new Set([urgent.icon, high.icon, normal.icon, priorityLook('LOW').icon]).size).toBe(4);
    expect(new Set([urgent.cssClass, high.cssClass, normal.cssClass]).size).toBe(3);
    expect(priorityLook('SOMETHING_NEW')).toEqual(normal);
  });

  it('keeps URGENT toasts until dismissed; HIGH longer than NORMAL and LOW', () => {
    expect(toastDurationMs('URGENT')).toBeUndefined();
    expect(toastDurationMs('HIGH')).toBe(10000);
    expect(toastDurationMs('NORMAL')).toBe(6000);
    expect(toastDurationMs('LOW')).toBe(6000);
    expect(toastPanelClasses('URGENT')).toContain('toast-urgent');
    expect(toastPanelClasses('HIGH')).toContain('toast-high');
    expect(toastPanelClasses('HIGH')).not.toContain('toast-urgent');
    expect(toastPanelClasses('NORMAL')).toEqual(['toast-normal']);
  });

  it('pops up only what the server said to toast', () => {
    expect(wantsAttention({ toast: true })).toBe(true);
    expect(wantsAttention({ toast: false })).toBe(false);
  });

  it('names the rule that sent a notification, and nothing for the others', () => {
    expect(ruleLabel({ ruleId: 'r1', ruleName: 'Escalate fraud' })).toBe('Rule: Escalate fraud');
    expect(ruleLabel({ ruleId: 'r1', ruleName: null })).toBe('Rule: (name not recorded)');
    expect(ruleLabel({ ruleId: null, ruleName: null })).toBeNull();
  });
});
