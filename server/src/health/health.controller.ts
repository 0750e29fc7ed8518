import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Public } from '../common/decorators';
import { DatabaseHealthRepository } from '../database/database-health.repository';

const startedAt = Date.now();

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(private readonly database: DatabaseHealthRepository) {}

  @Public()
  @Get()
  async health() {
    const t0 = Date.now();
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.database.ping(),
        new Promise((_, reject) => { timer = setTimeout(() => reject(new Error('timeout')), 2000); }),
      ]);
    } catch {
      throw new ServiceUnavailableException('database unreachable');
    } finally {
      clearTimeout(timer);
    }
    return { status: 'ok', database: 'up', databaseLatencyMs: Date.now() - t0, uptimeSeconds: Math.round((Date.now() - startedAt) / 1000) };
  }
}
