import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

/**
 * What the receiver does with the next message: take it (250), refuse it with an SMTP code at the end of DATA, or
 * keep it (it counts as received, as a real mail server that queued it would) and never answer.
 */
export type SmtpBehaviour = 'accept' | number | 'keep-and-hang';

export interface ReceivedMail {
  from: string;
  to: string[];
  raw: string;
  /** `raw` with quoted-printable soft breaks and escapes undone (enough for the ASCII the tests look for). */
  decoded: string;
  subject: string;
  messageId: string;
  receivedAt: number;
}

/**
 * A real SMTP server on 127.0.0.1 (the test peer, the `smtp-server` package): records every message it accepts,
 * answers by a script of behaviours (the last one repeats), and counts refused attempts.
 */
export class SmtpReceiver {
  readonly received: ReceivedMail[] = [];
  refused = 0;
  private script: SmtpBehaviour[] = ['accept'];
  private server!: SMTPServer;
  private readonly waiters: Array<() => void> = [];
  onMessage?: (mail: ReceivedMail) => void;

  async start(port = 0): Promise<this> {
    this.server = new SMTPServer({
      authOptional: true, disabledCommands: ['STARTTLS', 'AUTH'], logger: false, banner: 'test peer',
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          const behaviour = this.script.length > 1 ? this.script.shift()! : this.script[0];
          if (typeof behaviour === 'number') {
            this.refused++;
            callback(Object.assign(new Error(`test peer refuses with ${behaviour}`), { responseCode: behaviour }));
            return;
          }
          const raw = Buffer.concat(chunks).toString('utf8');
          const decoded = raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
          const header = (name: string) => new RegExp(`^${name}: (.*)$`, 'im').exec(raw)?.[1]?.trim() ?? '';
          const mail: ReceivedMail = {
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address),
            raw, decoded, subject: header('Subject'), messageId: header('Message-ID'), receivedAt: Date.now(),
          };
          this.received.push(mail);
          this.onMessage?.(mail);
          for (const w of this.waiters.splice(0)) w();
          if (behaviour === 'keep-and-hang') return; // never answered
          callback(null, 'queued by the test peer');
        });
      },
    });
    this.server.on('error', () => undefined);
    await new Promise<void>((resolve) => this.server.listen(port, '127.0.0.1', resolve));
    return this;
  }

  get port(): number {
    return (this.server.server.address() as AddressInfo).port;
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  respondWith(...script: SmtpBehaviour[]): void {
    this.script = script;
  }

  to(address: string): ReceivedMail[] {
    return this.received.filter((m) => m.to.includes(address));
  }

  /** Resolves once `count` messages have been received (or rejects after `timeoutMs`). */
  async waitFor(count: number, timeoutMs = 10_000): Promise<ReceivedMail[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.received.length < count) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`expected ${count} mail(s), got ${this.received.length}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 200));
        this.waiters.push(() => { clearTimeout(timer); resolve(); });
      });
    }
    return this.received;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
