import { lookup as dnsLookup } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';

/**
 * Where a webhook may send: the address classes §11 refuses (loopback, private, link-local, multicast,
 * unspecified, cloud metadata), checked on every address a name resolves to, at save and at send.
 */

interface Range { net: string; prefix: number; reason: string }

const V4: Range[] = [
  { net: '0.0.0.0', prefix: 8, reason: 'an unspecified address' },
  { net: '127.0.0.0', prefix: 8, reason: 'a loopback address' },
  { net: '10.0.0.0', prefix: 8, reason: 'a private address' },
  { net: '172.16.0.0', prefix: 12, reason: 'a private address' },
  { net: '192.168.0.0', prefix: 16, reason: 'a private address' },
  { net: '100.64.0.0', prefix: 10, reason: 'a private (shared) address' },
  { net: '192.0.0.0', prefix: 24, reason: 'a reserved address' },
  { net: '198.18.0.0', prefix: 15, reason: 'a reserved address' },
  { net: '169.254.0.0', prefix: 16, reason: 'a link-local address' },
  { net: '224.0.0.0', prefix: 4, reason: 'a multicast address' },
  { net: '240.0.0.0', prefix: 4, reason: 'a reserved address' },
];
const V6: Range[] = [
  { net: '::', prefix: 128, reason: 'an unspecified address' },
  { net: '::1', prefix: 128, reason: 'a loopback address' },
  { net: 'fc00::', prefix: 7, reason: 'a private address' },
  { net: 'fe80::', prefix: 10, reason: 'a link-local address' },
  { net: 'fec0::', prefix: 10, reason: 'a link-local address' },
  { net: 'ff00::', prefix: 8, reason: 'a multicast address' },
];
/** Instance metadata services: refused even with WEBHOOK_ALLOW_PRIVATE, they hand out credentials. */
const METADATA_V4 = ['169.254.169.254', '169.254.170.2', '100.100.100.200', '168.63.129.16'];
const METADATA_V6 = 'fd00:ec2::254';
const METADATA_NAMES = ['metadata.google.internal', 'metadata.goog', 'metadata', 'instance-data', 'instance-data.ec2.internal'];

function listOf(ranges: Range[], family: 'ipv4' | 'ipv6'): Array<{ list: BlockList; reason: string }> {
  return ranges.map((r) => {
    const list = new BlockList();
    list.addSubnet(r.net, r.prefix, family);
    return { list, reason: r.reason };
  });
}
const V4_LISTS = listOf(V4, 'ipv4');
const V6_LISTS = listOf(V6, 'ipv6');

/** The IPv4 address an IPv6 address carries (IPv4-mapped ::ffff:a.b.c.d, NAT64 64:ff9b::/96, IPv4-compatible ::a.b.c.d), if any. */
function embeddedV4(ip: string): string | null {
  const groups = expandV6(ip);
  if (!groups) return null;
  const high = groups.slice(0, 6);
  const mapped = high.slice(0, 5).every((g) => g === 0) && high[5] === 0xffff;
  const nat64 = groups[0] === 0x64 && groups[1] === 0xff9b && groups.slice(2, 6).every((g) => g === 0);
  const compatible = high.every((g) => g === 0) && (groups[6] !== 0 || groups[7] > 1);
  if (!mapped && !nat64 && !compatible) return null;
  return [groups[6] >> 8, groups[6] & 0xff, groups[7] >> 8, groups[7] & 0xff].join('.');
}

/** The eight 16-bit groups of an IPv6 address (dotted IPv4 tail allowed). */
function expandV6(ip: string): number[] | null {
  let text = ip.toLowerCase().replace(/%.*$/, '');
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const p = dotted[1].split('.').map(Number);
    text = text.slice(0, -dotted[1].length) + `${((p[0] << 8) | p[1]).toString(16)}:${((p[2] << 8) | p[3]).toString(16)}`;
  }
  const [head, tail] = text.split('::');
  const part = (s: string | undefined) => (s ? s.split(':').map((g) => parseInt(g, 16)) : []);
  const a = part(head);
  const b = part(tail);
  const groups = text.includes('::') ? [...a, ...Array(8 - a.length - b.length).fill(0), ...b] : a;
  return groups.length === 8 && groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff) ? groups : null;
}

/**
 * Why `ip` may not be called (a phrase such as "a loopback address"), or null for a public address.
 * `allowPrivate` lets loopback/private/link-local through, never cloud metadata.
 */
export function refusedAddress(ip: string, allowPrivate = false): string | null {
  const family = isIP(ip);
  if (!family) return 'not an IP address';
  const v4 = family === 4 ? ip : embeddedV4(ip);
  if (v4 ? METADATA_V4.includes(v4) : isMetadataV6(ip)) return 'a cloud metadata address';
  if (allowPrivate) return null;
  const match = v4 ? V4_LISTS.find((r) => r.list.check(v4, 'ipv4')) : V6_LISTS.find((r) => r.list.check(ip, 'ipv6'));
  return match?.reason ?? null;
}

function isMetadataV6(ip: string): boolean {
  const a = expandV6(ip);
  const b = expandV6(METADATA_V6);
  return !!a && !!b && a.every((g, i) => g === b[i]);
}

/** Why the host name itself is refused (before any resolution), or null. */
export function refusedName(host: string, allowPrivate = false): string | null {
  const name = host.toLowerCase().replace(/\.$/, '');
  if (METADATA_NAMES.includes(name)) return 'a cloud metadata host';
  if (!allowPrivate && (name === 'localhost' || name.endsWith('.localhost'))) return 'a loopback address';
  return null;
}

export type Resolver = (host: string) => Promise<Array<{ address: string; family: number }>>;

export const systemResolver: Resolver = (host) =>
  new Promise((resolve, reject) => dnsLookup(host, { all: true, verbatim: true }, (err, addresses) => (err ? reject(err) : resolve(addresses))));

/** A refused destination; the message names the host and the reason. */
export class RefusedDestination extends Error {}

/** The URL's host without IPv6 brackets; WHATWG parsing already turned 127.1, 0x7f000001 and 2130706433 into 127.0.0.1. */
export function hostOf(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1');
}

/** Checks a webhook URL: http(s), and a host none of whose addresses is refused. Throws RefusedDestination. */
export async function checkDestination(raw: string, allowPrivate: boolean, resolve: Resolver = systemResolver): Promise<URL> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new RefusedDestination('url: must be an absolute http or https URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new RefusedDestination('url: must use http or https');
  const host = hostOf(url);
  if (isIP(host)) {
    const reason = refusedAddress(host, allowPrivate);
    if (reason) throw new RefusedDestination(`url: ${host} is ${reason}`);
    return url;
  }
  const nameReason = refusedName(host, allowPrivate);
  if (nameReason) throw new RefusedDestination(`url: ${host} is ${nameReason}`);
  let addresses: Array<{ address: string }>;
  try {
    addresses = await resolve(host);
  } catch (error) {
    throw new RefusedDestination(`url: ${host} does not resolve (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  if (!addresses.length) throw new RefusedDestination(`url: ${host} does not resolve`);
  for (const { address } of addresses) {
    const reason = refusedAddress(address, allowPrivate);
    if (reason) throw new RefusedDestination(`url: ${host} resolves to ${address}, ${reason}`);
  }
  return url;
}

/**
 * A `lookup` for http.request that resolves with `resolve`, refuses the whole connection if any address is
 * refused, and hands the socket only the addresses it checked: what was checked is what is connected to,
 * so a name that changes its answer between save and send (DNS rebinding) gains nothing.
 */
export function guardedLookup(allowPrivate: boolean, resolve: Resolver = systemResolver): LookupFunction {
  return (hostname, options, callback) => {
    const cb = callback as unknown as (err: Error | null, address: string | Array<{ address: string; family: number }>, family?: number) => void;
    resolve(hostname).then((addresses) => {
      const wanted = options.family === 4 || options.family === 6 ? addresses.filter((a) => a.family === options.family) : addresses;
      if (!wanted.length) throw new RefusedDestination(`${hostname} does not resolve`);
      for (const { address } of wanted) {
        const reason = refusedAddress(address, allowPrivate);
        if (reason) throw new RefusedDestination(`${hostname} resolves to ${address}, ${reason}`);
      }
      if (options.all) cb(null, wanted);
      else cb(null, wanted[0].address, wanted[0].family);
    }).catch((error: Error) => cb(error, ''));
  };
}
