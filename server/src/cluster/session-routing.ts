import { randomBytes } from 'node:crypto';

/**
 * Socket.IO's HTTP long-polling keeps its session in the memory of the process that opened it, so every later
 * request of that session must reach the same process. Session ids made by worker `i` start with `w<i>.`
 * ('.' never occurs in base64url), which lets the supervisor route a request by its first line alone.
 */
export function sessionIdFor(workerIndex: number): string {
  return `w${workerIndex}.${randomBytes(15).toString('base64url')}`;
}

const SESSION_OF_WORKER = /[?&]sid=w(\d+)\./;

/** The worker holding the Socket.IO session a request names, or null (a new session, or not Socket.IO at all). */
export function workerOfRequest(head: string): number | null {
  const lineEnd = head.indexOf('\r\n');
  const requestLine = lineEnd === -1 ? head : head.slice(0, lineEnd);
  if (!requestLine.includes('/socket.io/')) return null;
  const match = SESSION_OF_WORKER.exec(requestLine);
  return match ? Number(match[1]) : null;
}
