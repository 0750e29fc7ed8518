import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

export type { ListResult } from '../../../contracts/api';

export class PageQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(200)
  limit: number = 50;

  @ApiPropertyOptional({ minimum: 0, default: 0 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(0)
  offset: number = 0;
}

/**
 * Lists count matching rows only this far: a first page never counts millions of rows. Above it, `total` is this
 * number and `totalIsLowerBound` is true. Repositories count with `LIMIT EXACT_TOTAL_LIMIT + 1` in a subquery.
 */
export const EXACT_TOTAL_LIMIT = 10_000;

export function cappedTotal(counted: number): { total: number; totalIsLowerBound?: true } {
  return counted > EXACT_TOTAL_LIMIT ? { total: EXACT_TOTAL_LIMIT, totalIsLowerBound: true } : { total: counted };
}
