import { describe, expect, it } from '@jest/globals';
import { DEFAULT_EMAIL_PREFERENCES } from '../../../contracts/email';
import { completeEmailPreferences, routeEmail } from './email-preferences';
import { notificationUrl, renderDigestMail, renderNotificationMail } from './email-content';

describe('e-mail preferences', () => {
  it('defaults: HIGH and URGENT mailed on their own, the rest not at all', () => {
    expect(DEFAULT_EMAIL_PREFERENCES).toEqual({ enabled: true, minPriority: 'HIGH', onlyWhenOffline: false, digest: 'OFF' });
    expect(routeEmail(undefined, 'URGENT')).toEqual({ kind: 'MAIL', onlyWhenOffline: false });
    expect(routeEmail(undefined, 'HIGH')).toEqual({ kind: 'MAIL', onlyWhenOffline: false });
    expect(routeEmail(undefined, 'NORMAL')).toEqual({ kind: 'NONE' });
    expect(routeEmail(undefined, 'LOW')).toEqual({ kind: 'NONE' });
  });

  it('at or above minPriority: a mail (carrying onlyWhenOffline); below: the digest when one is chosen', () => {
    const prefs = { enabled: true, minPriority: 'NORMAL' as const, onlyWhenOffline: true, digest: 'DAILY' as const };
    expect(routeEmail(prefs, 'NORMAL')).toEqual({ kind: 'MAIL', onlyWhenOffline: true });
    expect(routeEmail(prefs, 'URGENT')).toEqual({ kind: 'MAIL', onlyWhenOffline: true });
    expect(routeEmail(prefs, 'LOW')).toEqual({ kind: 'DIGEST', digest: 'DAILY' });
    expect(routeEmail({ ...prefs, minPriority: 'LOW' }, 'LOW')).toEqual({ kind: 'MAIL', onlyWhenOffline: true });
    expect(routeEmail({ ...prefs, minPriority: 'URGENT', digest: 'HOURLY' }, 'HIGH')).toEqual({ kind: 'DIGEST', digest: 'HOURLY' });
  });

  it('disabled: nothing at all, not even a digest', () => {
    const off = { enabled: false, minPriority: 'LOW' as const, onlyWhenOffline: false, digest: 'HOURLY' as const };
    for (const p of ['LOW', 'NORMAL', 'HIGH', 'URGENT'] as const) expect(routeEmail(off, p)).toEqual({ kind: 'NONE' });
  });

  it('stored preferences missing a field are completed with the defaults', () => {
    expect(completeEmailPreferences(null)).toEqual(DEFAULT_EMAIL_PREFERENCES);
    expect(completeEmailPreferences({ digest: 'DAILY' })).toEqual({ ...DEFAULT_EMAIL_PREFERENCES, digest: 'DAILY' });
  });
});

describe('e-mail content', () => {
  const base = 'https://acos.example';
  it('links to the case route under PUBLIC_URL, never to another host', () => {
    expect(notificationUrl(base, { linkUrl: '/cases/abc', entityType: 'case', entityId: 'abc' })).toBe(`${base}/cases/abc`);
    expect(notificationUrl(base, { linkUrl: null, entityType: 'case', entityId: 'abc' })).toBe(`${base}/cases/abc`);
    expect(notificationUrl(base, { linkUrl: '//evil.example/x', entityType: null, entityId: null })).toBe(`${base}/`);
    expect(notificationUrl(base, { linkUrl: 'https://evil.example', entityType: null, entityId: null })).toBe(`${base}/`);
  });

  it('one-line subjects, escaped HTML, the settings link in both bodies', () => {
    const mail = renderNotificationMail({ title: 'Line\r\nBcc: x@y', message: '<script>x</script>', priority: 'URGENT', url: `${base}/cases/1`, createdAt: '' }, base);
    expect(mail.subject).toBe('[URGENT] Line Bcc: x@y');
    expect(mail.html).not.toContain('<script>');
    expect(mail.html).toContain('&lt;script&gt;');
    expect(mail.text).toContain('<script>x</script>');
    expect(mail.text).toContain(`${base}/settings`);
    expect(mail.html).toContain(`${base}/settings`);
  });

  it('a digest counts its notifications and lists at most 100', () => {
    const items = Array.from({ length: 120 }, (_, i) => ({ title: `n${i}`, message: 'm', priority: 'LOW' as const, url: `${base}/`, createdAt: '' }));
    const mail = renderDigestMail(items, 'DAILY', base);
    expect(mail.subject).toBe('Your daily digest: 120 notifications in AuditCaseOS');
    expect(mail.text).toContain('n99\n');
    expect(mail.text).not.toContain('n100\n');
    expect(mail.text).toContain('and 20 more');
  });
});
