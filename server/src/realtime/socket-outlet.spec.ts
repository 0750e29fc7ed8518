import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import type { CaseView } from '../../../contracts/api';
import type { AppConfig } from '../config/app-config';
import { connectSocket, sleep, type CollectingSocket } from '../../test/sockets';
import { roomsOf } from './rooms';
import { SocketOutlet, type RealtimeServer } from './socket-outlet';

const memoryAdapter = { socketAdapter: 'memory' } as AppConfig;

function caseView(id: string, scopeCode: string, title = 'a case'): CaseView {
  const now = new Date().toISOString();
  return {
    id, caseNumber: `${scopeCode}-2026-0001`, title, description: '', status: 'OPEN', caseType: 'AUDIT', scopeCode,
    severity: 'LOW', assigneeId: null, ownerId: null, tags: [], dueDate: null, createdAt: now, updatedAt: now, closedAt: null,
  };
}

describe('SocketOutlet with a real in-process Socket.IO server', () => {
  let http: HttpServer;
  let io: RealtimeServer;
  let url: string;
  const outlet = new SocketOutlet(memoryAdapter);
  // Each client names its user in the handshake; the server joins it to that user's rooms as the gateway does.
  const users = {
    admin: { id: 'u-admin', role: 'ADMIN', scopeCodes: [] as string[] },
    fin: { id: 'u-fin', role: 'INVESTIGATOR', scopeCodes: ['FIN'] },
    hr: { id: 'u-hr', role: 'INVESTIGATOR', scopeCodes: ['HR'] },
    everyScope: { id: 'u-all', role: 'VIEWER', scopeCodes: [] as string[] },
  };
  const sockets: Partial<Record<keyof typeof users, CollectingSocket>> = {};

  beforeAll(async () => {
    http = createServer();
    io = new Server(http, { path: '/socket.io' }) as RealtimeServer;
    io.on('connection', (socket) => {
      const user = users[(socket.handshake.auth as { token: keyof typeof users }).token];
      void socket.join(roomsOf(user));
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
    outlet.attach(io);
    for (const name of Object.keys(users) as Array<keyof typeof users>) sockets[name] = await connectSocket(url, name);
  });
  afterAll(async () => {
    for (const s of Object.values(sockets)) s?.close();
    await io.close();
  });

  it('sends a user event to that user only, and an admin event to admins only', async () => {
    outlet.emit([`user:${users.fin.id}`], 'notifications:unread-count', { count: 3 });
    outlet.emit(['role:ADMIN'], 'workflow:history', {
      id: 'h1', ruleId: 'r1', ruleName: 'rule', caseId: 'c1', caseNumber: 'FIN-2026-0001', eventId: 'e1', eventName: 'case.created',
      triggerData: {}, actionsExecuted: [], success: true, errorMessage: null, skippedReason: null, depth: 0, durationMs: 1, retryOf: null,
      createdAt: new Date().toISOString(),
    });
    expect(await sockets.fin!.next('notifications:unread-count')).toEqual({ count: 3 });
    expect((await sockets.admin!.next('workflow:history')).id).toBe('h1');
    await sleep(100);
    for (const name of ['admin', 'hr', 'everyScope'] as const) expect(sockets[name]!.of('notifications:unread-count')).toEqual([]);
    for (const name of ['fin', 'hr', 'everyScope'] as const) expect(sockets[name]!.of('workflow:history')).toEqual([]);
  });

  it('does not serialise an event for rooms nobody is in', () => {
    const before = outlet.stats.emitted;
    outlet.emit(['user:nobody'], 'notifications:unread-count', { count: 1 });
    expect(outlet.stats.emitted).toBe(before);
  });

  it('sends case:updated to the case scope and to users of every scope, once per case and as it was last', async () => {
    outlet.caseUpdated(caseView('case-fin', 'FIN', 'first'));
    outlet.caseUpdated(caseView('case-hr', 'HR'));
    outlet.caseUpdated(caseView('case-fin', 'FIN', 'last'));
    for (const name of ['admin', 'fin', 'everyScope'] as const) {
      expect((await sockets[name]!.next('case:updated', (c) => c.id === 'case-fin')).title).toBe('last');
    }
    await sockets.hr!.next('case:updated', (c) => c.id === 'case-hr');
    await sleep(250);
    expect(sockets.hr!.of('case:updated').map((c) => c.id)).toEqual(['case-hr']);
    expect(sockets.fin!.of('case:updated').map((c) => c.id)).toEqual(['case-fin']);
    expect(sockets.admin!.of('case:updated').filter((c) => c.id === 'case-fin')).toHaveLength(1);
  });

  it('delivers case:updated to a socket whose previous write is still in flight (a toast and a refresh at once)', async () => {
    // While a frame is being written the transport is not writable (engine.io clears the flag until the
    // write's callback): a second message in that moment must wait its turn, not be dropped.
    const [serverSide] = await io.in(`user:${users.fin.id}`).fetchSockets();
    const transport = (io.of('/').sockets.get(serverSide.id)!.conn as unknown as { transport: { writable: boolean; emit(e: string): void } }).transport;
    transport.writable = false;
    outlet.caseUpdated(caseView('case-in-flight', 'FIN', 'while writing'));
    await sleep(250);
    transport.writable = true;
    transport.emit('ready');
    expect((await sockets.fin!.next('case:updated', (c) => c.id === 'case-in-flight', 2000)).title).toBe('while writing');
  });
});

/** A stand-in for the Socket.IO server that records what was written to which sockets, and when. */
function fakeServer(roomMembers: Map<string, Set<string>>, onWrite: (n: number) => void = () => undefined) {
  const writes: Array<{ ids: string[]; event: string; local: boolean; turn: number }> = [];
  const toOtherProcesses: Array<{ event: string; view: CaseView }> = [];
  const fromOtherProcesses = new Map<string, (view: CaseView) => void>();
  const sockets = new Map<string, { conn: { writeBuffer: unknown[] } }>();
  let turn = 0;
  let ticking = false;
  const tick = () => { turn++; if (ticking) setImmediate(tick); };
  const operator = (ids: string[], local: boolean): unknown => ({
    emit: (event: string) => { writes.push({ ids, event, local, turn }); onWrite(writes.length); return true; },
  });
  const server = {
    of: () => ({ adapter: { rooms: roomMembers }, sockets }),
    local: { to: (ids: string[]) => operator(ids, true) },
    to: (ids: string[]) => operator(ids, false),
    serverSideEmit: (event: string, view: CaseView) => toOtherProcesses.push({ event, view }),
    on: (event: string, listener: (view: CaseView) => void) => fromOtherProcesses.set(event, listener),
  };
  return {
    server: server as unknown as RealtimeServer, writes, sockets, toOtherProcesses, fromOtherProcesses,
    startTicking: () => { ticking = true; setImmediate(tick); },
    stopTicking: () => { ticking = false; },
  };
}

describe('SocketOutlet broadcast of case:updated', () => {
  it('writes to at most 50 sockets per event-loop turn and skips sockets that left the room meanwhile', async () => {
    const everyone = new Set(Array.from({ length: 120 }, (_, i) => `s${i}`));
    const rooms = new Map([['scope:*', everyone]]);
    // Revoked right after the first chunk went out: the socket must not get the later chunks.
    const { server, writes, startTicking, stopTicking } = fakeServer(rooms, (n) => n === 1 && everyone.delete('s110'));
    const outlet = new SocketOutlet(memoryAdapter);
    outlet.attach(server);
    startTicking();
    outlet.caseUpdated(caseView('c1', 'FIN'));
    await sleep(250);
    stopTicking();
    expect(writes.map((w) => w.ids.length)).toEqual([50, 50, 19]);
    expect(writes.every((w) => w.event === 'case:updated' && w.local)).toBe(true);
    expect(new Set(writes.map((w) => w.turn)).size).toBe(3);
    expect(writes.flatMap((w) => w.ids)).not.toContain('s110');
  });

  it('skips a client that is behind (more than 16 packets waiting) and writes to one that is only busy', async () => {
    const { server, writes, sockets } = fakeServer(new Map([['scope:FIN', new Set(['busy', 'behind'])]]));
    sockets.set('busy', { conn: { writeBuffer: [1, 2] } });
    sockets.set('behind', { conn: { writeBuffer: Array.from({ length: 17 }, (_, i) => i) } });
    const outlet = new SocketOutlet(memoryAdapter);
    outlet.attach(server);
    outlet.caseUpdated(caseView('c1', 'FIN'));
    await sleep(250);
    expect(writes.flatMap((w) => w.ids)).toEqual(['busy']);
  });

  it('with the PostgreSQL adapter, tells the other processes once, and each writes to its own sockets', async () => {
    const { server, writes, toOtherProcesses, fromOtherProcesses } = fakeServer(new Map([['scope:HR', new Set(['here'])]]));
    const outlet = new SocketOutlet({ socketAdapter: 'postgres' } as AppConfig);
    outlet.attach(server);
    outlet.caseUpdated(caseView('c2', 'HR'));
    await sleep(250);
    expect(toOtherProcesses).toEqual([{ event: 'case:updated', view: expect.objectContaining({ id: 'c2' }) }]);
    expect(writes).toEqual([expect.objectContaining({ ids: ['here'], event: 'case:updated', local: true })]);
    // A case changed on another process reaches this process's sockets, and is not sent on again.
    fromOtherProcesses.get('case:updated')!(caseView('c3', 'HR'));
    await sleep(10);
    expect(writes.map((w) => w.ids)).toEqual([['here'], ['here']]);
    expect(toOtherProcesses).toHaveLength(1);
  });
});
