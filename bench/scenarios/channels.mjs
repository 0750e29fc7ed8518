// Scenario 11 — channels: a rule that e-mails (URGENT, to a user whose preferences mail it) and calls a webhook on
// every status change. A real SMTP server and a webhook receiver run in this load process on loopback (the server's
// SMTP_URL points at the SMTP one from its start). Two closed-loop PATCH windows (rule disabled, then enabled) give
// the throughput ratio; then 200 PATCH/s open loop, and each mail and webhook call is matched to the PATCH that caused
// it (FIFO per case): delivery lag = PATCH sent → received by the peer, on this process's clock.
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { SmtpPeer } from '../../e2e/lib/smtp-peer.mjs';
import { currentStatuses, NEXT_STATUS, setRulesEnabled, settleOutbox } from '../lib/app.mjs';
import { dbPool, q, readFixtures } from '../lib/context.mjs';
import { makeClient } from '../lib/http.mjs';
import { log, round, sleep, summarize, waitFor } from '../lib/stats.mjs';
import { patchWindow } from './overhead.mjs';

const hr = () => process.hrtime.bigint();
const msSince = (t) => Number(hr() - t) / 1e6;
const CASE_ID = /\/cases\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/;

/** Per case, the PATCHes whose mail / webhook call has not arrived yet (a case's events run in order: FIFO). */
class Matcher {
  constructor() { this.pending = new Map(); this.lags = []; this.unexpected = 0; this.outstanding = 0; }
  sent(caseId, at) {
    if (!this.pending.has(caseId)) this.pending.set(caseId, []);
    this.pending.get(caseId).push(at);
    this.outstanding++;
  }
  arrived(caseId) {
    const queue = this.pending.get(caseId);
    if (!queue?.length) { this.unexpected++; return; }
    this.lags.push(msSince(queue.shift()));
    this.outstanding--;
  }
  /** Lags of the matched ones; what never arrived counts as slower than any (p99 unbounded when over 1 %). */
  result() {
    const lost = this.outstanding;
    return { ...summarize([...this.lags, ...Array(lost).fill(Infinity)]), lost, unexpected: this.unexpected };
  }
}

async function startPeers(smtpPort) {
  const mail = { matcher: null, received: 0 };
  const hook = { matcher: null, received: 0 };
  const smtp = await new SmtpPeer().start(smtpPort);
  smtp.onMessage = (message) => {
    mail.received++;
    smtp.received.length = 0; // counted here; a long run keeps no copies
    const id = CASE_ID.exec(message.decoded)?.[1];
    if (id && mail.matcher) mail.matcher.arrived(id);
  };
  const receiver = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      hook.received++;
      try {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        if (hook.matcher) hook.matcher.arrived(body.case.id);
      } catch { /* counted, not matched */ }
      res.writeHead(200).end('ok');
    });
  });
  await new Promise((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  return {
    mail, hook, webhookUrl: `http://127.0.0.1:${receiver.address().port}/hook`,
    close: () => Promise.all([smtp.stop(), new Promise((r) => receiver.close(r))]),
  };
}

/** Waits until the server has no mail or webhook delivery left to send. */
async function queuesEmpty(db, timeoutMs) {
  const backlog = async () => {
    const [{ m }] = await q(db, `SELECT count(*)::int AS m FROM email_deliveries WHERE status IN ('PENDING', 'SENDING')`);
    const [{ w }] = await q(db, `SELECT count(*)::int AS w FROM webhook_deliveries WHERE status = 'PENDING'`);
    return m + w;
  };
  const t0 = Date.now();
  const ok = await waitFor(async () => (await backlog()) === 0, { timeoutMs, intervalMs: 250, what: 'the mail and webhook queues to drain' });
  return ok ? round((Date.now() - t0) / 1000, 2) : null;
}

export async function run(ctx) {
  const users = readFixtures(ctx, 'users');
  const { cases, rules } = readFixtures(ctx, 'engine');
  const db = dbPool(ctx);
  const admin = users.admin.token;
  const http = makeClient(ctx.url, { maxSockets: 128 });
  const peers = await startPeers(ctx.channels.smtpPort);
  try {
    // The engine's 200 rules off: this scenario measures the channels' rule alone.
    await setRulesEnabled(http, admin, rules, false);
    const password = 'bench-' + randomBytes(9).toString('hex');
    const email = `channels-${randomBytes(3).toString('hex')}@bench.local`;
    const recipient = await http.expect(201, 'POST', '/api/v1/users', { token: admin, body: { email, name: 'Channels recipient', role: 'INVESTIGATOR', password } });
    const { accessToken } = await http.expect(200, 'POST', '/api/v1/auth/login', { body: { email, password } });
    await http.expect(200, 'PUT', '/api/v1/notifications/preferences', {
      token: accessToken, body: { minToastPriority: 'LOW', mutedRuleIds: [], quietHours: null, email: { enabled: true, minPriority: 'HIGH', onlyWhenOffline: false, digest: 'OFF' } },
    });
    const webhook = await http.expect(201, 'POST', '/api/v1/webhooks', { token: admin, body: { name: `bench receiver ${randomBytes(3).toString('hex')}`, url: peers.webhookUrl } });
    const rule = await http.expect(201, 'POST', '/api/v1/workflows/rules', {
      token: admin,
      body: {
        name: `bench channels ${randomBytes(3).toString('hex')}`, triggerType: 'STATUS_CHANGE', triggerConfig: {}, cooldownSeconds: 0, isEnabled: false,
        actions: [
          { actionType: 'SEND_NOTIFICATION', actionConfig: { recipients: [recipient.id], title: '{{case.caseNumber}} is now {{case.status}}', message: 'Moved from {{case.previousStatus}}', priority: 'URGENT' } },
          { actionType: 'CALL_WEBHOOK', actionConfig: { webhookId: webhook.id } },
        ],
      },
    });

    // --- Throughput: closed-loop PATCH without, then with, the channels' rule.
    const status = await currentStatuses(db, cases.map((c) => c.id));
    const seconds = ctx.sizes.overheadSeconds;
    log(`channels: ${seconds} s of closed-loop PATCH without the channels rule`);
    const without = await patchWindow(ctx, http, db, admin, cases, status, seconds, 32);
    await http.expect(200, 'POST', `/api/v1/workflows/rules/${rule.id}/toggle`, { token: admin });
    log(`channels: ${without.patchesPerSecond} PATCH/s without; ${seconds} s with it (a mail and a webhook call per change)`);
    const withChannels = await patchWindow(ctx, http, db, admin, cases, status, seconds, 32);
    log(`channels: ${withChannels.patchesPerSecond} PATCH/s with the channels rule; waiting for its mails and calls to go out`);
    const drainSeconds = await queuesEmpty(db, ctx.sizes.overheadDrainTimeoutMs * 4);

    // --- Lag: 200 PATCH/s open loop, every mail and call matched to its PATCH.
    await settleOutbox(db, ctx.sizes.settleTimeoutMs);
    const rate = 200;
    const total = rate * ctx.sizes.latencySeconds;
    peers.mail.matcher = new Matcher();
    peers.hook.matcher = new Matcher();
    const busy = new Set();
    const responses = [];
    let errors = 0;
    let notOffered = 0;
    let cursor = 0;
    const send = () => {
      let c;
      for (let tries = 0; tries < cases.length && !c; tries++) {
        const candidate = cases[(cursor + tries) % cases.length];
        if (!busy.has(candidate.id)) c = candidate;
      }
      if (!c) { notOffered++; return; }
      cursor = (cases.indexOf(c) + 1) % cases.length;
      const to = NEXT_STATUS[status.get(c.id)];
      status.set(c.id, to);
      busy.add(c.id);
      const at = hr();
      peers.mail.matcher.sent(c.id, at);
      peers.hook.matcher.sent(c.id, at);
      http.patch(`/api/v1/cases/${c.id}`, { token: admin, body: { status: to } }).then(
        (res) => { busy.delete(c.id); if (res.status === 200) responses.push(res.ms); else errors++; },
        () => { busy.delete(c.id); errors++; });
    };
    log(`channels: offering ${rate} PATCH/s for ${ctx.sizes.latencySeconds} s (open loop)`);
    const t0 = hr();
    let sent = 0;
    while (sent < total) {
      const due = Math.min(total, Math.floor(msSince(t0) / (1000 / rate)) + 1);
      while (sent < due) { send(); sent++; }
      await sleep(1);
    }
    const sendSeconds = msSince(t0) / 1000;
    const deadline = Date.now() + 30_000;
    while ((peers.mail.matcher.outstanding > 0 || peers.hook.matcher.outstanding > 0) && Date.now() < deadline) await sleep(50);
    const emailLag = peers.mail.matcher.result();
    const webhookLag = peers.hook.matcher.result();
    const [{ failed }] = await q(db, `SELECT count(*)::int AS failed FROM email_deliveries WHERE status IN ('FAILED', 'UNCERTAIN')`);
    await http.expect(200, 'POST', `/api/v1/workflows/rules/${rule.id}/toggle`, { token: admin });
    await setRulesEnabled(http, admin, rules, true);
    log(`channels: e-mail lag p50 ${emailLag.p50} ms p99 ${emailLag.p99} ms (${emailLag.lost} lost); webhook lag p50 ${webhookLag.p50} ms p99 ${webhookLag.p99} ms (${webhookLag.lost} lost)`);
    return {
      ratio: round(withChannels.patchesPerSecond / without.patchesPerSecond, 3),
      withoutChannels: without, withChannels, drainAfterWithWindowSeconds: drainSeconds,
      emailLagMs: emailLag, webhookLagMs: webhookLag,
      patchResponseMs: summarize(responses), offeredRate: rate, achievedRate: round(sent / sendSeconds, 1), sent, errors, notOffered,
      mailsReceived: peers.mail.received, webhookCallsReceived: peers.hook.received, mailsFailedOrUncertain: failed,
    };
  } finally {
    await peers.close();
    await db.end();
    http.close();
  }
}
