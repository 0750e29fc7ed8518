import MailComposer from 'nodemailer/lib/mail-composer';
import SMTPConnection from 'nodemailer/lib/smtp-connection';

/** A mail as the queue holds it. */
export interface OutgoingMail {
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  /** Stable per queued mail: the same on every attempt, so a receiver could tell a repeat. */
  messageId: string;
  /** Where recipients change or stop these mails (List-Unsubscribe). */
  settingsUrl: string;
}

/**
 * How an attempt ended. `committed`: the SMTP conversation about this message had begun (MAIL FROM sent) when it
 * failed, so whether the server kept the message is only certain when it answered with a refusal (`responseCode`).
 */
export type SmtpResult =
  | { ok: true; response: string }
  | { ok: false; error: string; responseCode: number | null; committed: boolean };

interface SmtpError extends Error { responseCode?: number; response?: string; code?: string }

/** SMTP_URL → connection options: smtps:// is TLS from the first byte (port 465), smtp:// upgrades with STARTTLS when offered. */
export function smtpOptions(smtpUrl: string, timeoutMs: number): { options: SMTPConnection.Options; auth: { user: string; pass: string } | null } {
  const url = new URL(smtpUrl);
  const secure = url.protocol === 'smtps:';
  const auth = url.username ? { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } : null;
  return {
    options: {
      host: url.hostname.replace(/^\[|\]$/g, ''), port: url.port ? Number(url.port) : secure ? 465 : 25, secure,
      connectionTimeout: timeoutMs, greetingTimeout: timeoutMs, socketTimeout: timeoutMs,
    },
    auth,
  };
}

/** The MIME message (plain text and HTML alternatives) and its envelope. */
export async function composeMail(mail: OutgoingMail): Promise<{ raw: Buffer; envelope: SMTPConnection.Envelope }> {
  const node = new MailComposer({
    from: mail.from, to: mail.to, subject: mail.subject, text: mail.text, html: mail.html, messageId: mail.messageId,
    headers: { 'Auto-Submitted': 'auto-generated', 'List-Unsubscribe': `<${mail.settingsUrl}>` },
  }).compile();
  const envelope = node.getEnvelope();
  return { raw: await node.build(), envelope: { from: envelope.from || false, to: envelope.to } };
}

/**
 * Sends one mail with nodemailer's SMTP client over a connection of its own. `beforeMessage` runs once the server
 * greeted and accepted the login, right before the conversation about this message begins: the queue marks the mail
 * SENDING there, so a crash before that point leaves a mail that is safe to send again, and one after it a mail that
 * may have arrived. Returning false from it ends the attempt without sending (the claim was lost).
 */
export async function sendSmtp(smtpUrl: string, timeoutMs: number, mail: OutgoingMail, beforeMessage: () => Promise<boolean>): Promise<SmtpResult> {
  const { raw, envelope } = await composeMail(mail);
  const { options, auth } = smtpOptions(smtpUrl, timeoutMs);
  const connection = new SMTPConnection(options);
  let fail: ((error: SmtpError) => void) | undefined;
  connection.on('error', (error: SmtpError) => fail?.(error));
  connection.on('end', () => fail?.(Object.assign(new Error('the mail server closed the connection'), { code: 'ECONNECTION' })));
  const step = <T>(run: (done: (error: SmtpError | null | undefined, value?: T) => void) => void) => new Promise<T>((resolve, reject) => {
    fail = reject;
    run((error, value) => (error ? reject(error) : resolve(value as T)));
  });
  let committed = false;
  let quitting = false;
  // The whole attempt ends within twice the timeout, inside the worker's claim (twice the timeout plus 5 s).
  const deadline = setTimeout(() => {
    fail?.(Object.assign(new Error(`the SMTP conversation took longer than ${2 * timeoutMs} ms`), { code: 'ETIMEDOUT' }));
    connection.close();
  }, 2 * timeoutMs);
  try {
    await step<void>((done) => connection.connect((error) => done(error)));
    if (auth) await step<void>((done) => connection.login(auth, (error) => done(error)));
    if (!(await beforeMessage())) return { ok: false, error: 'the claim on this mail was lost', responseCode: null, committed: false };
    committed = true;
    const info = await step<SMTPConnection.SentMessageInfo>((done) => connection.send(envelope, raw, (error, sent) => done(error, sent)));
    fail = undefined;
    quitting = true;
    connection.quit();
    return { ok: true, response: info.response };
  } catch (error) {
    const e = error as SmtpError;
    return { ok: false, error: (e.response || e.message || String(error)).slice(0, 1000), responseCode: e.responseCode ?? null, committed };
  } finally {
    clearTimeout(deadline);
    fail = undefined;
    if (!quitting) connection.close();
  }
}
