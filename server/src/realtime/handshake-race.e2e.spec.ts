import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { Socket as ServerSocket } from 'socket.io';
import { bearer, eventually, startTestApp, type TestApp, type TestUser } from '../../test/harness';
import { connectSocket, type CollectingSocket } from '../../test/sockets';
import { RealtimeGateway } from './realtime.gateway';

type JoinRooms = (socket: ServerSocket, names: string[]) => Promise<void>;
type DisconnectSockets = (opts: unknown, close: boolean) => Promise<void> | void;

/**
 * A socket whose handshake passed the token check, but whose user was deactivated (or whose token was signed out)
 * before the socket was in the user's rooms, missed the "close this user's sockets" that went to those rooms. The
 * gateway checks once more after joining. These tests make the change commit exactly in that gap, through the
 * gateway's joinRooms step, so nothing depends on timing.
 */
describe('a socket whose handshake raced a change to its user is closed', () => {
  let t: TestApp;
  let admin: TestUser;
  let gateway: RealtimeGateway;
  const sockets: CollectingSocket[] = [];

  beforeAll(async () => {
    t = await startTestApp();
    admin = await t.makeUser({ role: 'ADMIN' });
    gateway = t.get(RealtimeGateway);
  });
  afterEach(() => jest.restoreAllMocks());
  afterAll(async () => {
    sockets.forEach((s) => s.close());
    await t?.close();
  });

  /**
   * Runs `between` after the handshake admitted the socket and before it joins its rooms, and lets the
   * "close this user's sockets" it sends (to rooms the socket is not in yet) finish before the socket joins them,
   * so only the gateway's second check can close it. Resolves once the socket joined.
   */
  const inTheGap = (between: () => Promise<unknown>) => {
    const seam = gateway as unknown as { joinRooms: JoinRooms };
    const original = seam.joinRooms.bind(gateway);
    const adapter = gateway.server.of('/').adapter as unknown as { disconnectSockets: DisconnectSockets };
    const disconnect = adapter.disconnectSockets.bind(adapter);
    const closing: Array<Promise<void> | void> = [];
    jest.spyOn(adapter, 'disconnectSockets').mockImplementation((opts, close) => {
      const done = disconnect(opts, close);
      closing.push(done);
      return done;
    });
    let joined!: () => void;
    const done = new Promise<void>((resolve) => { joined = resolve; });
    jest.spyOn(seam, 'joinRooms').mockImplementationOnce(async (socket, names) => {
      await between();
      await Promise.all(closing);
      await original(socket, names);
      joined();
    });
    return done;
  };
  const open = async (token: string) => {
    const s = await connectSocket(t.url, token);
    sockets.push(s);
    return s;
  };
  const closed = (s: CollectingSocket) => eventually(async () => !s.socket.connected, 5000, 'the socket to be closed');
  /** True once the gateway admitted the socket for good (it then ends it when its token expires). */
  const admitted = (s: CollectingSocket) => (gateway as unknown as { expiryTimers: Map<string, unknown> }).expiryTimers.has(s.socket.id!);

  it('deactivated between the handshake and joining its rooms: the socket is closed', async () => {
    const user = await t.makeUser({ role: 'INVESTIGATOR' });
    const joined = inTheGap(() => t.http().patch(`/api/v1/users/${user.id}`).set(...bearer(admin)).send({ isActive: false }).expect(200));
    const socket = await open(user.token);
    await joined;
    await closed(socket);
    expect(admitted(socket)).toBe(false);
  });

  it('signed out between the handshake and joining its rooms: the socket is closed', async () => {
    const user = await t.makeUser({ role: 'VIEWER' });
    const joined = inTheGap(() => t.http().post('/api/v1/auth/logout').set(...bearer(user)).expect(204));
    const socket = await open(user.token);
    await joined;
    await closed(socket);
  });

  it('its role changed in the gap: the socket is closed (it joined the rooms of the old role)', async () => {
    const user = await t.makeUser({ role: 'ADMIN' });
    const joined = inTheGap(() => t.http().patch(`/api/v1/users/${user.id}`).set(...bearer(admin)).send({ role: 'VIEWER' }).expect(200));
    const socket = await open(user.token);
    await joined;
    await closed(socket);
  });

  it('nothing changed in the gap: the socket stays connected and hears its events', async () => {
    const user = await t.makeUser({ role: 'INVESTIGATOR' });
    const joined = inTheGap(async () => undefined);
    const socket = await open(user.token);
    await joined;
    await eventually(async () => admitted(socket), 5000, 'the gateway to admit the socket');
    expect(socket.socket.connected).toBe(true);
    // Still in its rooms: signing this token out closes it.
    await t.http().post('/api/v1/auth/logout').set(...bearer(user)).expect(204);
    await closed(socket);
  });
});
