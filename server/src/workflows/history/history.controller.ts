import { Controller, Get, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Roles } from '../../common/decorators';
import { ListEventsQuery, ListHistoryQuery } from '../dto/history.dto';
import { TracesService } from '../traces/traces.service';
import { HistoryService } from './history.service';

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
