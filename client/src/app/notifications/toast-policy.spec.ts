import { AppNotification, NotificationPreferences } from './notification.models';
import { isWithinQuietHours, shouldToast } from './toast-policy';

const base: AppNotification = {
  id: 'n',
  userId: 'u',
  title: 't',
  message: 'm',
  priority: 'NORMAL',
  entityType: null,
  entityId: null,
  linkUrl: null,
  isRead: false,
  createdAt: '',
  readAt: null,
};
const prefs: NotificationPreferences = { minToastPriority: 'NORMAL', mutedRuleIds: ['r-muted'], quietHours: null };

describe('shouldToast', () => {
  it('respects the minimum toast priority', () => {
    expect(shouldToast({ ...base, priority: 'LOW' }, prefs)).toBe(false);
    expect(shouldToast({ ...base, priority: 'NORMAL' }, prefs)).toBe(true);
    expect(shouldToast({ ...base, priority: 'NORMAL' }, { ...prefs, minToastPriority: 'URGENT' })).toBe(false);
    expect(shouldToast({ ...base, priority: 'URGENT' }, { ...prefs, minToastPriority: 'URGENT' })).toBe(true);
  });

  it('skips what the server marked toast:false, read and muted-rule notifications', () => {
    expect(shouldToast({ ...base, toast: false }, prefs)).toBe(false);
    expect(shouldToast({ ...base, toast: true }, prefs)).toBe(true);
    expect(shouldToast({ ...base, isRead: true }, prefs)).toBe(false);
    expect(shouldToast({ ...base, ruleId: 'r-muted' }, prefs)).toBe(false);
    expect(shouldToast({ ...base, ruleId: 'r-other' }, prefs)).toBe(true);
  });

  it('stays quiet during quiet hours', () => {
    const quiet = { ...prefs, quietHours: { start: '22:00', end: '07:00', timeZone: 'UTC' } };
    expect(shouldToast(base, quiet, new Date('2025-01-01T23:30:00Z'))).toBe(false);
    expect(shouldToast(base, quiet, new Date('2025-01-01T12:00:00Z'))).toBe(true);
  });
});

describe('isWithinQuietHours', () => {
  it('handles same-day and overnight spans in the given time zone', () => {
    const day = { start: '09:00', end: '17:00', timeZone: 'UTC' };
    expect(isWithinQuietHours(day, new Date('2025-06-01T09:00:00Z'))).toBe(true);
    expect(isWithinQuietHours(day, new Date('2025-06-01T17:00:00Z'))).toBe(false);
    const night = { start: '22:00', end: '06:00', timeZone: 'Asia/Tokyo' }; // UTC+9
    expect(isWithinQuietHours(night, new Date('2025-06-01T14:00:00Z'))).toBe(true); // 23:00 Tokyo
    expect(isWithinQuietHours(night, new Date('2025-06-01T03:00:00Z'))).toBe(false); // 12:00 Tokyo
  });
});
