import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the receiver does with the next request: answer with a status, or never answer (a timeout for the sender). */
export type Behaviour = number | 'hang' | { redirectTo: string };

export interface ReceivedDelivery {
  headers: IncomingHttpHeaders;
  body: string;
  json: any;
  receivedAt: number;
  /** Whatever `inspect` found when the request arrived (e.g. whether the rule's history row was visible). */
  seen?: unknown;
}

/**
 * A real webhook receiver on 127.0.0.1 (the test peer): records every request, answers by a script of behaviours
 * (the last one repeats), and checks signatures the way a customer's endpoint would.
 */
export class WebhookReceiver {
  readonly received: ReceivedDelivery[] = [];
  private script: Behaviour[] = [200];
  private server!: Server;
  private readonly hanging = new Set<import('node:http').ServerResponse>();
  inspect?: (body: any) => Promise<unknown>;

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', async () => {
        const body = Buffer.concat(chunks).toString('utf8');
        let json: any = null;
        try { json = JSON.parse(body); } catch { /* recorded as is */ }
        const seen = this.inspect ? await this.inspect(json).catch((e: Error) => `inspect failed: ${e.message}`) : undefined;
        this.received.push({ headers: req.headers, body, json, receivedAt: Date.now(), seen });
        const behaviour = this.script.length > 1 ? this.script.shift()! : this.script[0];
        if (behaviour === 'hang') { this.hanging.add(res); return; }
        if (typeof behaviour === 'object') { res.writeHead(302, { Location: behaviour.redirectTo }).end(); return; }
        res.writeHead(behaviour, { 'Content-Type': 'text/plain' }).end(behaviour >= 300 ? `receiver says ${behaviour}` : 'ok');
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return this;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/hook`;
  }

  /** The behaviours for the next requests; the last one stays for all after. */
  respondWith(...script: Behaviour[]): void {
    this.script = script;
  }

  forDelivery(deliveryId: string): ReceivedDelivery[] {
    return this.received.filter((r) => r.headers['x-auditcaseos-delivery'] === deliveryId);
  }

  async stop(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** Verifies `X-AuditCaseOS-Signature` as the README tells receivers to: HMAC-SHA256 of "<t>.<body>", constant-time compare. */
export function signatureValid(delivery: ReceivedDelivery, secret: string, toleranceSeconds = 300): boolean {
  const header = String(delivery.headers['x-auditcaseos-signature'] ?? '');
  const t = /(?:^|,)t=(\d+)/.exec(header)?.[1];
  const v1 = /(?:^|,)v1=([0-9a-f]{64})/.exec(header)?.[1];
  if (!t || !v1) return false;
  if (Math.abs(Date.now() / 1000 - Number(t)) > toleranceSeconds) return false;
  const expected = createHmac('sha256', secret).update(`${t}.${delivery.body}`).digest();
  return timingSafeEqual(expected, Buffer.from(v1, 'hex'));
}
