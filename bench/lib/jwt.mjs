// HS256 access tokens with the same claims TokenService.issue() signs ({sub, ver, jti, iat, exp}; `ver` is the
// token version of a user who never signed out everywhere).
// Used only where logging in thousands of users through scrypt would dominate the run (the
// socket scenario); the server verifies them through its normal path (signature + active user).
import { createHmac, randomUUID } from 'node:crypto';

const b64 = (v) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');

export function signToken(userId, secret, ttlSeconds = 8 * 3600) {
  const iat = Math.floor(Date.now() / 1000);
  const head = b64({ alg: 'HS256', typ: 'JWT' });
  const body = b64({ sub: userId, ver: 0, jti: randomUUID(), iat, exp: iat + ttlSeconds });
  const sig = createHmac('sha256', secret).update(`${head}.${body}`).digest('base64url');
  return `${head}.${body}.${sig}`;
}
