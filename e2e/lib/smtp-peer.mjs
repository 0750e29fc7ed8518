// A real SMTP server for the browser tests (the `smtp-server` package, in-process on 127.0.0.1), started by
// scripts/e2e.mjs before the server (its SMTP_URL points here). Every message it accepts is appended to a JSON-lines
// file, so the tests (another process) can read what was mailed: readMails().
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { SMTPServer } from 'smtp-server';

/** Starts the peer; `file` receives one JSON object per accepted message: {to, subject, text, receivedAt}. */
export async function startSmtpPeer(file) {
  writeFileSync(file, '');
  const server = new SMTPServer({
    authOptional: true, disabledCommands: ['STARTTLS', 'AUTH'], logger: false,
    onData(stream, session, callback) {
      const chunks = [];
      stream.on('data', (c) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        // Quoted-printable soft breaks and escapes undone: enough for the ASCII the tests look for.
        const text = raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16)));
        const subject = /^Subject: (.*)$/im.exec(raw)?.[1]?.trim() ?? '';
        appendFileSync(file, JSON.stringify({ to: session.envelope.rcptTo.map((r) => r.address), subject, text, receivedAt: Date.now() }) + '\n');
        callback(null, 'queued by the e2e peer');
      });
    },
  });
  server.on('error', () => undefined);
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `smtp://127.0.0.1:${server.server.address().port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** The mails the peer has accepted so far (E2E_MAIL_LOG names the file). */
export function readMails(file = process.env.E2E_MAIL_LOG) {
  if (!file || !existsSync(file)) return [];
  return readFileSync(file, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line));
}
