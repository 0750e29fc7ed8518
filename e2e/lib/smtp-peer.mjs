// A real SMTP server for the tests (the `smtp-server` package, in-process on 127.0.0.1): the server tests
// (server/src/email, server/test/chaos/email-crash.spec.ts), the browser tests (scripts/e2e.mjs starts one before the
// server; its SMTP_URL points here) and the bench's channels scenario. Every message it takes is recorded (and, with
// `logFile`, appended to a JSON-lines file that another process can read: readMails()).
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { SMTPServer } from 'smtp-server';

/** Quoted-printable soft breaks and escapes undone: enough for the ASCII the tests look for. */
const decodeQp = (raw) => raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16)));

/**
 * The peer answers each message by a script of behaviours (the last one repeats): `'accept'` (250), a number (refused
 * with that SMTP code at the end of DATA, counted in `refused`), or `'keep-and-hang'` (recorded, as a real server
 * that queued it would, and never answered).
 */
export class SmtpPeer {
  /** @type {Array<{from: string, to: string[], raw: string, decoded: string, subject: string, messageId: string, receivedAt: number}>} */
  received = [];
  refused = 0;
  /** Called with each recorded message. */
  onMessage = undefined;
  #script = ['accept'];
  #waiters = [];
  #server;

  constructor({ logFile } = {}) {
    this.logFile = logFile;
    if (logFile) writeFileSync(logFile, '');
  }

  async start(port = 0) {
    this.#server = new SMTPServer({
      authOptional: true, disabledCommands: ['STARTTLS', 'AUTH'], logger: false, banner: 'test peer',
      onData: (stream, session, callback) => {
        const chunks = [];
        stream.on('data', (c) => chunks.push(c));
        stream.on('end', () => {
          const behaviour = this.#script.length > 1 ? this.#script.shift() : this.#script[0];
          if (typeof behaviour === 'number') {
            this.refused++;
            callback(Object.assign(new Error(`test peer refuses with ${behaviour}`), { responseCode: behaviour }));
            return;
          }
          const raw = Buffer.concat(chunks).toString('utf8');
          const header = (name) => new RegExp(`^${name}: (.*)$`, 'im').exec(raw)?.[1]?.trim() ?? '';
          const mail = {
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address),
            raw, decoded: decodeQp(raw), subject: header('Subject'), messageId: header('Message-ID'), receivedAt: Date.now(),
          };
          this.received.push(mail);
          if (this.logFile) appendFileSync(this.logFile, JSON.stringify({ to: mail.to, subject: mail.subject, text: mail.decoded, receivedAt: mail.receivedAt }) + '\n');
          this.onMessage?.(mail);
          for (const w of this.#waiters.splice(0)) w();
          if (behaviour === 'keep-and-hang') return;
          callback(null, 'queued by the test peer');
        });
      },
    });
    this.#server.on('error', () => undefined);
    await new Promise((resolve) => this.#server.listen(port, '127.0.0.1', resolve));
    return this;
  }

  get port() {
    return this.#server.server.address().port;
  }

  get url() {
    return `smtp://127.0.0.1:${this.port}`;
  }

  respondWith(...script) {
    this.#script = script;
  }

  to(address) {
    return this.received.filter((m) => m.to.includes(address));
  }

  /** Resolves once `count` messages have been received (rejects after `timeoutMs`). */
  async waitFor(count, timeoutMs = 10_000) {
    const deadline = Date.now() + timeoutMs;
    while (this.received.length < count) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`expected ${count} mail(s), got ${this.received.length}`);
      await new Promise((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 200));
        this.#waiters.push(() => { clearTimeout(timer); resolve(); });
      });
    }
    return this.received;
  }

  stop() {
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }
}

/** For scripts/e2e.mjs: a peer that accepts everything and logs it to `file`. */
export async function startSmtpPeer(file) {
  const peer = await new SmtpPeer({ logFile: file }).start();
  return { url: peer.url, close: () => peer.stop() };
}

/** The mails the peer has accepted so far (E2E_MAIL_LOG names the file). */
export function readMails(file = process.env.E2E_MAIL_LOG) {
  if (!file || !existsSync(file)) return [];
  return readFileSync(file, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line));
}
