// socket.io-client connections as the console makes them (server origin, path /socket.io, auth {token}).
import { io } from 'socket.io-client';

export function connect(url, token, { timeoutMs = 20_000 } = {}) {
  return new Promise((resolve, reject) => {
    const socket = io(url, { path: '/socket.io', auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true, timeout: timeoutMs });
    const timer = setTimeout(() => { socket.close(); reject(new Error('socket connect timeout')); }, timeoutMs);
    socket.once('connect', () => { clearTimeout(timer); resolve(socket); });
    socket.once('connect_error', (e) => { clearTimeout(timer); socket.close(); reject(e); });
  });
}
