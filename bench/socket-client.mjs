#!/usr/bin/env node
// A socket load process for scenario 7 (forked by the load driver with an IPC channel):
// opens one authenticated Socket.IO connection per token it is given, reports every
// `notification` it receives with a monotonic timestamp (process.hrtime, CLOCK_MONOTONIC:
// comparable across processes on one machine), counts the other events, and disconnects on request.
import { io } from 'socket.io-client';

const sockets = [];
let caseUpdates = 0;
let disconnects = 0;
let notifications = 0;

function connectOne(url, token, userId) {
  return new Promise((resolve) => {
    const socket = io(url, { path: '/socket.io', auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true, timeout: 60_000 });
    const done = (err) => { clearTimeout(timer); resolve(err ? { err: err.message ?? String(err) } : { socket }); };
    const timer = setTimeout(() => { socket.close(); done(new Error('connect timeout')); }, 60_000);
    socket.once('connect', () => done());
    socket.once('connect_error', (e) => { socket.close(); done(e); });
    socket.on('notification', (n) => {
      notifications++;
      process.send({ type: 'notification', at: process.hrtime.bigint().toString(), userId, forUser: n.userId, entityId: n.entityId });
    });
    socket.on('case:updated', () => { caseUpdates++; });
    socket.on('disconnect', () => { disconnects++; });
  });
}

process.on('message', async (msg) => {
  if (msg.type === 'connect') {
    const errors = {};
    let ok = 0;
    let next = 0;
    await Promise.all(Array.from({ length: msg.concurrency }, async () => {
      while (next < msg.users.length) {
        const u = msg.users[next++];
        const r = await connectOne(msg.url, u.token, u.id);
        if (r.socket) { sockets.push(r.socket); ok++; } else errors[r.err] = (errors[r.err] ?? 0) + 1;
      }
    }));
    process.send({ type: 'connected', ok, errors, rssMiB: process.memoryUsage().rss / 2 ** 20 });
  } else if (msg.type === 'status') {
    process.send({ type: 'status', connected: sockets.filter((s) => s.connected).length, disconnects, caseUpdates, notifications });
  } else if (msg.type === 'close') {
    const connected = sockets.filter((s) => s.connected).length;
    for (const s of sockets) s.close();
    process.send({ type: 'closed', connected, disconnects, caseUpdates, notifications }, () => process.exit(0));
  }
});
process.on('disconnect', () => process.exit(0));
