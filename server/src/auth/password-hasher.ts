import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

export interface ScryptParams { N: number; r: number; p: number }

/**
 * OWASP Password Storage Cheat Sheet (scrypt section): "a minimum CPU/memory cost parameter of (2^17),
 * a minimum block size of 8 (1024 bytes), and a parallelization parameter of 1". 128 MiB per hash.
 * Argon2id would be OWASP's first choice, but Node 20's crypto has no argon2.
 */
export const OWASP_SCRYPT_PARAMS: ScryptParams = { N: 2 ** 17, r: 8, p: 1 };
const KEY_LENGTH = 32;

let current: ScryptParams = OWASP_SCRYPT_PARAMS;

/**
 * Set once at boot from the configuration: OWASP's parameters, unless the test suites lower N through
 * INTERNAL_TEST_SCRYPT_LOG2N (hashing at 128 MiB in every test fixture would make them slow).
 */
export function setHashParams(params: ScryptParams): void {
  current = params;
}

export function currentHashParams(): ScryptParams {
  return current;
}

function derive(password: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  const options: ScryptOptions = { ...params, maxmem: 128 * params.N * params.r * 2 };
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFKC'), salt, KEY_LENGTH, options, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

/** `scrypt$N$r$p$salt$hash`, base64url parts. */
export async function hashPassword(password: string, params: ScryptParams = current): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, params);
  return ['scrypt', params.N, params.r, params.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const key = await derive(password, Buffer.from(salt, 'base64url'), { N: Number(n), r: Number(r), p: Number(p) });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/** Whether a stored hash was made with other parameters than today's (it is re-hashed at the next sign-in). */
export function needsRehash(stored: string): boolean {
  const [scheme, n, r, p] = stored.split('$');
  return scheme !== 'scrypt' || Number(n) !== current.N || Number(r) !== current.r || Number(p) !== current.p;
}

/** A hash of nothing, compared against when the email is unknown so timing does not reveal which emails exist. */
let decoy: { params: ScryptParams; hash: Promise<string> } | undefined;
export function decoyHash(): Promise<string> {
  if (decoy?.params !== current) decoy = { params: current, hash: hashPassword(randomBytes(12).toString('hex')) };
  return decoy.hash;
}
