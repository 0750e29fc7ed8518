#!/usr/bin/env node
// A socket load process for scenario 7 (forked by the load driver, with an IPC channel).
//
// mode "full": real socket.io-client connections (as the console makes them); every
//   `notification` is reported to the driver with a monotonic timestamp (process.hrtime =
//   CLOCK_MONOTONIC, comparable across processes on one machine).
// mode "light": the other connected users. Each is a real, authenticated Socket.IO v5 session
//   spoken directly over a WebSocket (Engine.IO v4: open packet, namespace connect with the
//   token, pong for every ping) that counts the events it receives without decoding them, so
//   thousands of idle users do not turn the load process into the bottleneck.
import WebSocket from 'ws';
import { io } from 'socket.io-client';

const sockets = []; // {connected(): boolean, close()}
const counts = { caseUpdates: 0, notifications: 0, otherEvents: 0, disconnects: 0 };

function connectFull(url, user) {
  return new Promise((resolve) => {
    const socket = io(url, { path: '/socket.io', auth: { token: user.token }, transports: ['websocket'], reconnection: false, forceNew: true, timeout: 60_000 });
    const timer = setTimeout(() => { socket.close(); resolve({ err: 'connect timeout' }); }, 60_000);
    socket.once('connect', () => { clearTimeout(timer); resolve({ socket: { connected: () => socket.connected, close: () => socket.close() } }); });
    socket.once('connect_error', (e) => { clearTimeout(timer); socket.close(); resolve({ err: e.message ?? String(e) }); });
    socket.on('notification', (n) => {
      counts.notifications++;
      process.send({ type: 'notification', at: process.hrtime.bigint().toString(), userId: user.id, forUser: n.userId, entityId: n.entityId });
    });
    socket.on('case:updated', () => { counts.caseUpdates++; });
    socket.on('disconnect', () => { counts.disconnects++; });
  });
}

function connectLight(url, user) {
  return new Promise((resolve) => {
    const u = new URL(url);
    const ws = new WebSocket(`ws://${u.host}/socket.io/?EIO=4&transport=websocket`, { perMessageDeflate: false });
    let state = 'opening';
    const done = (r) => { clearTimeout(timer); resolve(r); };
    const timer = setTimeout(() => { ws.terminate(); done({ err: 'connect timeout' }); }, 60_000);
    ws.on('message', (data) => {
      const m = data.toString();
      if (m === '2') { ws.send('3'); return; } // ping → pong
      if (state === 'opening' && m[0] === '0') { state = 'handshake'; ws.send('40' + JSON.stringify({ token: user.token })); return; }
      if (state === 'handshake' && m.startsWith('40')) {
        state = 'connected';
        done({ socket: { connected: () => state === 'connected', close: () => ws.close() } });
        return;
      }
      if (state === 'handshake' && m.startsWith('44')) { ws.close(); done({ err: 'unauthorized' }); return; }
      if (m.startsWith('42["case:updated"')) counts.caseUpdates++;
      else if (m.startsWith('42["notification"')) counts.notifications++;
      else if (m.startsWith('42')) counts.otherEvents++;
      else if (m.startsWith('41')) state = 'disconnected';
    });
    ws.on('close', () => { if (state === 'connected') counts.disconnects++; state = 'closed'; });
    ws.on('error', (e) => { if (state !== 'connected') done({ err: e.message }); });
  });
}

process.on('message', async (msg) => {
  if (msg.type === 'connect') {
    const connectOne = msg.mode === 'light' ? connectLight : connectFull;
    const errors = {};
    let ok = 0;
    let next = 0;
    await Promise.all(Array.from({ length: msg.concurrency }, async () => {
      while (next < msg.users.length) {
        const r = await connectOne(msg.url, msg.users[next++]);
        if (r.socket) { sockets.push(r.socket); ok++; } else errors[r.err] = (errors[r.err] ?? 0) + 1;
      }
    }));
    process.send({ type: 'connected', ok, errors, rssMiB: process.memoryUsage().rss / 2 ** 20 });
  } else if (msg.type === 'status') {
    process.send({ type: 'status', connected: sockets.filter((s) => s.connected()).length, ...counts });
  } else if (msg.type === 'close') {
    const connected = sockets.filter((s) => s.connected()).length;
    for (const s of sockets) s.close();
    process.send({ type: 'closed', connected, ...counts }, () => process.exit(0));
  }
});
process.on('disconnect', () => process.exit(0));
