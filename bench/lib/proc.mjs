// Resident memory of a process, from /proc (Linux).
import { readFileSync } from 'node:fs';

/** VmRSS of `pid` in MiB, or null when it cannot be read. */
export function rssMiB(pid) {
  try {
    const m = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
}

/** Samples the RSS of `pid` every `intervalMs` until stopped; returns {stop(): {samples, max, min, last}}. */
export function sampleRss(pid, intervalMs = 200) {
  const samples = [];
  const take = () => { const v = rssMiB(pid); if (v !== null) samples.push({ t: Date.now(), mib: v }); };
  take();
  const timer = setInterval(take, intervalMs);
  return {
    samples,
    stop() {
      clearInterval(timer);
      take();
      const values = samples.map((s) => s.mib);
      return { samples, max: Math.max(...values), min: Math.min(...values), last: values[values.length - 1], first: values[0] };
    },
  };
}
