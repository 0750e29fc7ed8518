import { createHmac } from 'node:crypto';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { performance } from 'node:perf_hooks';
import { guardedLookup, hostOf, RefusedDestination, refusedAddress, refusedName, systemResolver, type Resolver } from './webhook-address';

/** How much of a response is read (into lastError on failure); the rest is discarded. */
export const RESPONSE_CAP_BYTES = 64 * 1024;
const ERROR_TEXT_CAP = 2000;

export interface SendResult {
  ok: boolean;
  responseStatus: number | null;
  durationMs: number;
  error: string | null;
}

/** `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`, keyed by the secret's text. */
export function signatureHeader(secret: string, body: string, unixSeconds: number): string {
  const v1 = createHmac('sha256', secret).update(`${unixSeconds}.${body}`).digest('hex');
  return `t=${unixSeconds},v1=${v1}`;
}

export interface SendOptions {
  timeoutMs: number;
  allowPrivate: boolean;
  resolve?: Resolver;
}

/**
 * One delivery attempt: POST the body, signed, to `url`. Never throws; never follows a redirect; the whole attempt
 * (connect, answer, reading up to the cap) is bounded by `timeoutMs`. The destination is checked again here, on the
 * addresses actually connected to (see guardedLookup).
 */
export function sendWebhook(rawUrl: string, deliveryId: string, body: string, secret: string, options: SendOptions): Promise<SendResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const fail = (error: string, responseStatus: number | null = null): SendResult => ({ ok: false, responseStatus, durationMs: elapsed(), error: error.slice(0, ERROR_TEXT_CAP) });
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    return Promise.resolve(fail('the webhook URL is not valid'));
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return Promise.resolve(fail('the webhook URL must use http or https'));
  const host = hostOf(url);
  // Literal addresses never reach `lookup`: check them here.
  const literalReason = isIP(host) ? refusedAddress(host, options.allowPrivate) : refusedName(host, options.allowPrivate);
  if (literalReason) return Promise.resolve(fail(`refused: ${host} is ${literalReason}`));

  return new Promise<SendResult>((resolve) => {
    let settled = false;
    const finish = (result: SendResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = request(url, {
      method: 'POST',
      // No keep-alive pool: every attempt resolves and checks its destination afresh.
      agent: false,
      lookup: guardedLookup(options.allowPrivate, options.resolve ?? systemResolver),
      headers: {
        'Content-Type': 'application/json',
        'Content-Length': Buffer.byteLength(body),
        'User-Agent': 'AuditCaseOS-Webhooks/1',
        'X-AuditCaseOS-Delivery': deliveryId,
        'X-AuditCaseOS-Signature': signatureHeader(secret, body, Math.floor(Date.now() / 1000)),
      },
    }, (res: IncomingMessage) => {
      const status = res.statusCode ?? 0;
      const chunks: Buffer[] = [];
      let size = 0;
      const conclude = () => {
        req.destroy();
        if (status >= 200 && status < 300) return finish({ ok: true, responseStatus: status, durationMs: elapsed(), error: null });
        const text = Buffer.concat(chunks).toString('utf8').replace(/\s+/g, ' ').trim();
        const what = status >= 300 && status < 400 ? `redirect to ${res.headers.location ?? '(no location)'} not followed` : `HTTP ${status}`;
        finish(fail(text ? `${what}: ${text}` : what, status));
      };
      res.on('data', (chunk: Buffer) => {
        if (size < RESPONSE_CAP_BYTES) chunks.push(chunk.subarray(0, RESPONSE_CAP_BYTES - size));
        size += chunk.length;
        if (size >= RESPONSE_CAP_BYTES) conclude();
      });
      res.on('end', conclude);
      res.on('error', () => conclude());
    });
    const timer = setTimeout(() => {
      finish(fail(`no answer within ${options.timeoutMs} ms`));
      req.destroy();
    }, options.timeoutMs);
    req.on('error', (error: NodeJS.ErrnoException) => {
      if (error instanceof RefusedDestination) return finish(fail(`refused: ${error.message}`));
      finish(fail(error.code && !error.message.includes(error.code) ? `${error.code}: ${error.message}` : error.message));
    });
    req.end(body);
  });
}
