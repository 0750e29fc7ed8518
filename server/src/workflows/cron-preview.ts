import { BadRequestException } from '@nestjs/common';
import type { CronPreview } from '../../../contracts/workflows';
import { DEFAULT_TIME_ZONE, cronProblem, describeCron, nextRuns, timeZoneProblem } from '../common/cron-schedule';

/** GET /workflows/cron-preview: 400 naming the field when the cron or the zone is not one the scheduler accepts. */
export function cronPreview(cron: string, timeZone: string = DEFAULT_TIME_ZONE, now = new Date()): CronPreview {
  const problems = [cronProblem(cron) && `cron: ${cronProblem(cron)}`, timeZoneProblem(timeZone) && `timeZone: ${timeZoneProblem(timeZone)}`]
    .filter((p): p is string => !!p);
  if (problems.length) throw new BadRequestException(problems);
  const expr = cron.trim().split(/\s+/).join(' ');
  return { description: describeCron(expr), timeZone, next: nextRuns(expr, timeZone, 5, now).map((d) => d.toISOString()) };
}
