// Fixtures shared by the scenarios, all through the API: the admin's token and a team of
// investigators (created by the admin, each logged in with its password).
import { randomBytes } from 'node:crypto';
import { login } from '../lib/app.mjs';
import { writeFixtures } from '../lib/context.mjs';
import { makeClient, pool } from '../lib/http.mjs';
import { log } from '../lib/stats.mjs';

/**
 * The server runs with SMTP_URL (for the channels scenario): the team's own notifications are not mailed, so the
 * other scenarios measure what they always did (plus the one preferences lookup per batch that e-mail costs).
 */
async function noEmail(http, token) {
  try {
    await http.expect(200, 'PUT', '/api/v1/notifications/preferences', {
      token, body: { minToastPriority: 'LOW', mutedRuleIds: [], quietHours: null, email: { enabled: false, minPriority: 'HIGH', onlyWhenOffline: false, digest: 'OFF' } },
    });
  } catch (error) {
    // A build from before e-mail notifications (an A/B with --server=) has no e-mail to turn off.
    if (!String(error.message).includes('property email should not exist')) throw error;
  }
}

export async function run(ctx) {
  const http = makeClient(ctx.url, { maxSockets: 8 });
  const admin = await login(http, ctx.admin.email, ctx.admin.password);
  const n = ctx.sizes.investigators;
  log(`setup: creating ${n} investigators through POST /api/v1/users`);
  const investigators = await pool(n, 4, async (i) => {
    const password = 'bench-' + randomBytes(8).toString('hex');
    const email = `investigator${i + 1}@bench.local`;
    const user = await http.expect(201, 'POST', '/api/v1/users', {
      token: admin.token,
      body: { email, name: `Investigator ${i + 1}`, role: 'INVESTIGATOR', password, scopeCodes: [] },
    });
    const session = await login(http, email, password);
    await noEmail(http, session.token);
    return { id: user.id, email, name: user.name, token: session.token };
  });
  await noEmail(http, admin.token);
  writeFixtures(ctx, 'users', { admin: { id: admin.user.id, token: admin.token }, investigators });
  http.close();
  return { investigators: investigators.length };
}
