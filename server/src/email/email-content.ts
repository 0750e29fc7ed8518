import type { NotificationPriority } from '../common/enums';

/** A rendered mail: the same words as plain text and as HTML. */
export interface MailContent { subject: string; text: string; html: string }

/** What a mail says about one notification. */
export interface MailItem {
  title: string;
  message: string;
  priority: NotificationPriority;
  /** Absolute link to the case (or the console) at PUBLIC_URL. */
  url: string;
  createdAt: string;
}

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
/** Subjects are one line: a title can hold no header injection. */
const oneLine = (s: string) => s.replace(/[\r\n\t]+/g, ' ').trim();

/**
 * The console link of a notification: its own relative linkUrl (rules link to `/cases/<id>`, the console's case
 * route), else its case, else the console's start page; always under PUBLIC_URL.
 */
export function notificationUrl(publicUrl: string, n: { linkUrl: string | null; entityType: string | null; entityId: string | null }): string {
  if (n.linkUrl && n.linkUrl.startsWith('/') && !n.linkUrl.startsWith('//')) return publicUrl + n.linkUrl;
  if (n.entityType === 'case' && n.entityId) return `${publicUrl}/cases/${n.entityId}`;
  return `${publicUrl}/`;
}

export function settingsUrl(publicUrl: string): string {
  return `${publicUrl}/settings`;
}

const PRIORITY_COLOUR: Record<NotificationPriority, string> = { LOW: '#5f6368', NORMAL: '#1a73e8', HIGH: '#e37400', URGENT: '#c5221f' };

function footerText(settings: string): string {
  return `You get this mail because of your notification settings in AuditCaseOS.\nTo change or stop these e-mails: ${settings}\n`;
}

function footerHtml(settings: string): string {
  return `<p style="color:#5f6368;font-size:12px;margin-top:24px">You get this mail because of your notification settings in AuditCaseOS.
<a href="${escape(settings)}">Change or stop these e-mails</a>.</p>`;
}

function itemHtml(item: MailItem): string {
  return `<div style="border-left:4px solid ${PRIORITY_COLOUR[item.priority]};padding:4px 12px;margin:12px 0">
<p style="margin:0;font-size:12px;color:${PRIORITY_COLOUR[item.priority]}"><strong>${item.priority}</strong></p>
<p style="margin:4px 0;font-size:16px"><strong>${escape(item.title)}</strong></p>
<p style="margin:4px 0;white-space:pre-wrap">${escape(item.message)}</p>
<p style="margin:4px 0"><a href="${escape(item.url)}">Open in AuditCaseOS</a></p>
</div>`;
}

function page(body: string): string {
  return `<!doctype html><html><body style="font-family:Arial,Helvetica,sans-serif;color:#202124">${body}</body></html>`;
}

/** One notification, mailed on its own. */
export function renderNotificationMail(item: MailItem, publicUrl: string): MailContent {
  const settings = settingsUrl(publicUrl);
  return {
    subject: oneLine(`[${item.priority}] ${item.title}`).slice(0, 250),
    text: `${item.title}\nPriority: ${item.priority}\n\n${item.message}\n\nOpen: ${item.url}\n\n--\n${footerText(settings)}`,
    html: page(itemHtml(item) + footerHtml(settings)),
  };
}

/** The most a digest lists; the rest are counted and waiting in the console. */
export const DIGEST_MAX_ITEMS = 100;

/** Several notifications in one mail, oldest first. */
export function renderDigestMail(items: MailItem[], digest: 'HOURLY' | 'DAILY', publicUrl: string): MailContent {
  const settings = settingsUrl(publicUrl);
  const shown = items.slice(0, DIGEST_MAX_ITEMS);
  const more = items.length - shown.length;
  const period = digest === 'HOURLY' ? 'hourly' : 'daily';
  const heading = `${items.length} notification${items.length === 1 ? '' : 's'} in AuditCaseOS`;
  const moreText = more > 0 ? `\n…and ${more} more in the console: ${publicUrl}/\n` : '';
  return {
    subject: `Your ${period} digest: ${heading}`,
    text: `${heading} (${period} digest)\n\n`
      + shown.map((i) => `[${i.priority}] ${i.title}\n${i.message}\n${i.url}\n`).join('\n')
      + moreText + `\n--\n${footerText(settings)}`,
    html: page(`<h2 style="font-size:18px">${escape(heading)}</h2>` + shown.map(itemHtml).join('\n')
      + (more > 0 ? `<p>…and ${more} more <a href="${escape(publicUrl)}/">in the console</a>.</p>` : '') + footerHtml(settings)),
  };
}
