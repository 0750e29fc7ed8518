#!/usr/bin/env node
// `npm run dev`: the server in watch mode (http://127.0.0.1:3000, rebuilt and restarted on every change) and the
// console's dev server (http://127.0.0.1:4200, live reload) whose proxy sends /api and /socket.io to the server.
// Ctrl-C stops both; the server stops its embedded PostgreSQL as it always does.
import { spawn } from 'node:child_process';

const children = [
  { name: 'server', args: ['nest', 'start', '--watch', '--preserveWatchOutput'] },
  { name: 'console', args: ['ng', 'serve', '--proxy-config', 'client/proxy.conf.json', '--host', '127.0.0.1', '--port', process.env.CONSOLE_PORT ?? '4200'] },
].map(({ name, args }) => {
  // Each in its own process group, so a stop reaches the processes they start (nest start runs the server as a child);
  // the stop is a SIGINT to each group, as Ctrl-C in a terminal would send.
  const proc = spawn('npx', args, { stdio: 'inherit', detached: true, env: { ...process.env, PORT: process.env.PORT ?? '3000' } });
  return { name, proc, exited: new Promise((resolve) => proc.once('exit', (code, signal) => resolve(code ?? signal))) };
});

let stopping = false;
async function stopAll(reason) {
  if (stopping) return;
  stopping = true;
  console.log(`[dev] ${reason}: stopping the server and the console dev server`);
  for (const { proc } of children) {
    try { process.kill(-proc.pid, 'SIGINT'); } catch { /* already gone */ }
  }
  const force = setTimeout(() => {
    for (const { proc } of children) {
      try { process.kill(-proc.pid, 'SIGKILL'); } catch { /* already gone */ }
    }
  }, 15_000);
  await Promise.all(children.map((c) => c.exited));
  clearTimeout(force);
  process.exit(0);
}

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => void stopAll(signal));
for (const { name, exited } of children) void exited.then((code) => stopAll(`the ${name} exited (${code})`));
