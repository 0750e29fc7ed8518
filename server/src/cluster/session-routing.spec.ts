import { describe, expect, it } from '@jest/globals';
import { sessionIdFor, workerOfRequest } from './session-routing';

describe('routing Socket.IO sessions to the worker that holds them', () => {
  it('finds the worker in the session id of a polling or upgrade request', () => {
    const sid = sessionIdFor(3);
    expect(sid).toMatch(/^w3\.[A-Za-z0-9_-]{20}$/);
    expect(workerOfRequest(`GET /socket.io/?EIO=4&transport=polling&t=abc&sid=${sid} HTTP/1.1\r\nHost: x\r\n\r\n`)).toBe(3);
    expect(workerOfRequest(`POST /socket.io/?EIO=4&transport=polling&sid=${encodeURIComponent(sessionIdFor(12))} HTTP/1.1\r\n`)).toBe(12);
    expect(workerOfRequest(`GET /socket.io/?EIO=4&transport=websocket&sid=${sessionIdFor(0)} HTTP/1.1\r\nUpgrade: websocket\r\n`)).toBe(0);
  });

  it('leaves new sessions, other routes and look-alikes in headers to the usual balancing', () => {
    expect(workerOfRequest('GET /socket.io/?EIO=4&transport=polling&t=abc HTTP/1.1\r\nHost: x\r\n\r\n')).toBeNull();
    expect(workerOfRequest('GET /api/v1/cases?sid=w1.abc HTTP/1.1\r\n')).toBeNull();
    expect(workerOfRequest('GET /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nReferer: http://x/?sid=w1.abc\r\n')).toBeNull();
    // A session id the older format made (no worker prefix) is not mistaken for one.
    expect(workerOfRequest('GET /socket.io/?EIO=4&transport=polling&sid=wAbCdEf HTTP/1.1\r\n')).toBeNull();
    // Only part of the request line arrived in the first packet.
    expect(workerOfRequest('GET /socket.io/?EIO=4&transport=polling&sid=w2.abc')).toBe(2);
  });
});
