// Resources used during one measured window of a scenario (not its fixture loading): cores
// busy for the server process, its PostgreSQL cluster and the whole machine, and the server's
// event-loop utilisation (through its inspector).
import { cpuSeconds } from './cpu.mjs';
import { withInspector } from './inspector.mjs';
import { round } from './stats.mjs';

export async function startWindow(ctx) {
  const elu = () => withInspector(ctx.inspectorUrl, (s) => s.eventLoopUtilization()).catch(() => null);
  const e0 = await elu();
  const c0 = cpuSeconds(ctx.serverPid, ctx.postmasterPid);
  const t0 = Date.now();
  return {
    async stop() {
      const wall = (Date.now() - t0) / 1000;
      const c1 = cpuSeconds(ctx.serverPid, ctx.postmasterPid);
      const e1 = await elu();
      const active = e0 && e1 ? e1.active - e0.active : null;
      const idle = e0 && e1 ? e1.idle - e0.idle : null;
      return {
        seconds: round(wall, 1),
        // Unrounded, for figures per unit of work (CPU ms per event).
        serverCpuSeconds: c1.server - c0.server,
        postgresCpuSeconds: c1.postgres - c0.postgres,
        serverCores: round((c1.server - c0.server) / wall, 2),
        postgresCores: round((c1.postgres - c0.postgres) / wall, 2),
        machineCores: round((c1.machineBusy - c0.machineBusy) / wall, 2),
        serverEventLoopUtilization: active === null ? null : round(active / (active + idle), 3),
      };
    },
  };
}
