import { describe, expect, it } from '@jest/globals';
import { checkDestination, guardedLookup, refusedAddress, type Resolver } from './webhook-address';

// Pure classification: nothing here sends a packet anywhere.
describe('webhook address classifier', () => {
  it.each([
    ['127.0.0.1', 'a loopback address'], ['127.255.1.2', 'a loopback address'], ['::1', 'a loopback address'],
    ['::ffff:127.0.0.1', 'a loopback address'], ['::ffff:7f00:1', 'a loopback address'], ['64:ff9b::7f00:1', 'a loopback address'],
    ['10.1.2.3', 'a private address'], ['172.16.0.1', 'a private address'], ['172.31.255.255', 'a private address'],
    ['192.168.1.1', 'a private address'], ['fc00::1', 'a private address'], ['fd12:3456::1', 'a private address'],
    ['::ffff:10.0.0.1', 'a private address'], ['::ffff:192.168.0.1', 'a private address'],
    ['169.254.1.1', 'a link-local address'], ['fe80::1', 'a link-local address'],
    ['224.0.0.1', 'a multicast address'], ['ff02::1', 'a multicast address'],
    ['0.0.0.0', 'an unspecified address'], ['::', 'an unspecified address'],
    ['169.254.169.254', 'a cloud metadata address'], ['::ffff:169.254.169.254', 'a cloud metadata address'],
    ['fd00:ec2::254', 'a cloud metadata address'], ['fd00:0ec2:0:0:0:0:0:0254', 'a cloud metadata address'],
  ])('refuses %s as %s', (ip, reason) => {
    expect(refusedAddress(ip)).toBe(reason);
  });

  it.each(['8.8.8.8', '1.1.1.1', '172.32.0.1', '192.169.0.1', '2001:4860:4860::8888', '::ffff:8.8.8.8'])('lets public %s through', (ip) => {
    expect(refusedAddress(ip)).toBeNull();
  });

  it('with WEBHOOK_ALLOW_PRIVATE lets loopback and private through, never cloud metadata', () => {
    expect(refusedAddress('127.0.0.1', true)).toBeNull();
    expect(refusedAddress('10.0.0.1', true)).toBeNull();
    expect(refusedAddress('169.254.169.254', true)).toBe('a cloud metadata address');
    expect(refusedAddress('fd00:ec2::254', true)).toBe('a cloud metadata address');
  });
});

describe('webhook URL check', () => {
  const publicResolver: Resolver = async () => [{ address: '93.184.215.14', family: 4 }];

  it.each([
    'http://127.0.0.1:9/', 'http://localhost:9/', 'http://app.localhost/', 'http://[::1]:9/', 'http://127.1/', 'http://0x7f000001/',
    'http://2130706433/', 'http://0177.0.0.1/', 'http://[::ffff:127.0.0.1]/', 'https://metadata.google.internal/computeMetadata/v1/',
  ])('refuses %s without resolving anything', async (url) => {
    const never: Resolver = async () => { throw new Error('must not resolve'); };
    await expect(checkDestination(url, false, never)).rejects.toThrow(/loopback|metadata/);
  });

  it('refuses names whose addresses include a refused one, and names the address', async () => {
    const mixed: Resolver = async () => [{ address: '93.184.215.14', family: 4 }, { address: '10.0.0.7', family: 4 }];
    await expect(checkDestination('https://hooks.example.com/x', false, mixed)).rejects.toThrow('hooks.example.com resolves to 10.0.0.7, a private address');
  });

  it('refuses other schemes and accepts a public name', async () => {
    await expect(checkDestination('ftp://hooks.example.com/', false, publicResolver)).rejects.toThrow('http or https');
    await expect(checkDestination('file:///etc/passwd', false, publicResolver)).rejects.toThrow('http or https');
    await expect(checkDestination('not a url', false, publicResolver)).rejects.toThrow('absolute');
    await expect(checkDestination('https://hooks.example.com/x', false, publicResolver)).resolves.toBeInstanceOf(URL);
  });

  it('the send-time lookup refuses a name that now resolves to loopback (DNS rebinding) and hands over only checked addresses', async () => {
    const rebound: Resolver = async () => [{ address: '127.0.0.1', family: 4 }];
    const lookup = guardedLookup(false, rebound);
    const refused = await new Promise<Error | null>((resolve) => lookup('hooks.example.com', { all: true }, (err) => resolve(err)));
    expect(refused?.message).toBe('hooks.example.com resolves to 127.0.0.1, a loopback address');
    const allowed = await new Promise<unknown>((resolve) => guardedLookup(true, rebound)('hooks.example.com', { all: true }, (_e, a) => resolve(a)));
    expect(allowed).toEqual([{ address: '127.0.0.1', family: 4 }]);
  });
});
