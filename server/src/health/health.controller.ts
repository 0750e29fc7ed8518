import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Lifecycle } from '../common/lifecycle';
import { Public } from '../common/decorators';
import { DatabaseHealthRepository } from '../database/database-health.repository';

const startedAt = Date.now();
/** A database that takes longer than this to answer counts as down: probes must answer quickly. */
const PROBE_TIMEOUT_MS = 2000;

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(private readonly database: DatabaseHealthRepository, private readonly lifecycle: Lifecycle) {}

  /** 200 once the server is ready, 503 while the database is unreachable. */
  @Public()
  @Get()
  async health() {
    const t0 = Date.now();
    try {
      await within(PROBE_TIMEOUT_MS, this.database.ping());
    } catch {
      throw new ServiceUnavailableException('database unreachable');
    }
    return { status: 'ok', database: 'up', databaseLatencyMs: Date.now() - t0, uptimeSeconds: uptimeSeconds() };
  }

  /**
   * Liveness: the process answers requests. It never asks the database, so an orchestrator does not
   * restart a process that is only waiting for PostgreSQL to come back (it recovers by itself).
   */
  @Public()
  @Get('live')
  live() {
    return { status: 'ok', uptimeSeconds: uptimeSeconds() };
  }

  /** Readiness: send traffic here. The database answers, its schema is current, and the process is not stopping. */
  @Public()
  @Get('ready')
  async ready() {
    if (this.lifecycle.isStopping) throw new ServiceUnavailableException('shutting down');
    let pending: string[];
    try {
      pending = await within(PROBE_TIMEOUT_MS, this.database.pendingMigrations());
    } catch {
      throw new ServiceUnavailableException('database unreachable');
    }
    if (pending.length) throw new ServiceUnavailableException(`migrations not applied: ${pending.join(', ')}`);
    return { status: 'ok', database: 'up', migrations: 'applied' };
  }
}

function uptimeSeconds(): number {
  return Math.round((Date.now() - startedAt) / 1000);
}

async function within<T>(ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      work,
      new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error('timeout')), ms); }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
