import { Controller, Get, Param, ParseUUIDPipe, Post, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Roles } from '../../common/decorators';
import { ExportHistoryQuery, ListEventsQuery, ListHistoryQuery } from '../dto/history.dto';
import { TracesService } from '../traces/traces.service';
import { HistoryService } from './history.service';

/** Waits until the response can take more, or is gone; removes both listeners either way. */
function drainedOrClosed(res: Response): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => { res.off('drain', done); res.off('close', done); resolve(); };
    res.on('drain', done);
    res.on('close', done);
  });
}

@ApiTags('workflows')
@ApiBearerAuth()
@Roles('ADMIN')
@Controller('workflows')
export class HistoryController {
  constructor(private readonly history: HistoryService, private readonly traces: TracesService) {}

  @Get('history')
  list(@Query() query: ListHistoryQuery) {
    return this.history.list(query);
  }

  /** Streams every matching row as CSV; a slow client slows the reading down (backpressure) instead of filling memory. */
  @Get('history/export')
  async export(@Query() query: ExportHistoryQuery, @Res() res: Response): Promise<void> {
    const chunks = this.history.exportCsv(query);
    const first = await chunks.next(); // a bad filter becomes a 400 before any header is sent
    const stamp = new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-');
    res.status(200).setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="workflow-history-${stamp}.csv"`);
    let closed = false;
    res.on('close', () => { closed = true; });
    try {
      for (let chunk = first; !chunk.done && !closed; chunk = await chunks.next()) {
        if (!res.write(chunk.value)) await drainedOrClosed(res);
      }
    } catch (error) {
      // The status line is gone already: cutting the connection is the only way to tell the client the file is incomplete.
      res.destroy(error as Error);
      return;
    }
    if (closed) await chunks.return(undefined);
    res.end();
  }

  @Post('history/:id/retry')
  retry(@Param('id', new ParseUUIDPipe()) id: string) {
    return this.history.retry(id);
  }

  @Get('events')
  events(@Query() query: ListEventsQuery) {
    return this.traces.listEvents(query);
  }

  @Get('events/:id/trace')
  trace(@Param('id', new ParseUUIDPipe()) id: string) {
    return this.traces.trace(id);
  }
}
