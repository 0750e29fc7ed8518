// CPU time used by the server process and by its PostgreSQL cluster (postmaster, its live
// children, and the children it has already reaped), from /proc: where the two cores went.
import { readdirSync, readFileSync } from 'node:fs';

const TICK = 100; // USER_HZ on Linux

function stat(pid) {
  try {
    const raw = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = raw.slice(raw.lastIndexOf(')') + 2).split(' ');
    // fields after the name: state(0) ppid(1) ... utime(11) stime(12) cutime(13) cstime(14)
    return { ppid: Number(f[1]), utime: Number(f[11]), stime: Number(f[12]), cutime: Number(f[13]), cstime: Number(f[14]) };
  } catch {
    return null;
  }
}

/** Seconds of CPU so far: {server (with its worker processes), postgres, total} (total: the whole machine, from /proc/stat, busy time). */
export function cpuSeconds(serverPid, postmasterPid) {
  const s = stat(serverPid);
  let pg = 0;
  const pm = postmasterPid ? stat(postmasterPid) : null;
  if (pm) {
    pg += pm.utime + pm.stime + pm.cutime + pm.cstime;
    for (const d of readdirSync('/proc')) {
      if (!/^\d+$/.test(d)) continue;
      const c = stat(d);
      if (c && c.ppid === postmasterPid) pg += c.utime + c.stime;
    }
  }
  // Under WEB_CONCURRENCY the server is a supervisor and its workers are its children (PostgreSQL is not counted here).
  let workers = 0;
  if (s) {
    for (const d of readdirSync('/proc')) {
      if (!/^\d+$/.test(d) || Number(d) === postmasterPid) continue;
      const c = stat(d);
      if (c && c.ppid === serverPid) workers += c.utime + c.stime;
    }
  }
  const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const idle = cpu[3] + cpu[4];
  const busy = cpu.reduce((a, b) => a + b, 0) - idle;
  return { server: s ? (s.utime + s.stime + s.cutime + s.cstime + workers) / TICK : null, postgres: pm ? pg / TICK : null, machineBusy: busy / TICK };
}
