import { Body, Controller, Get, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../common/auth-user';
import { CurrentUser, Roles } from '../common/decorators';
import { PageQuery } from '../common/list';
import { CasesService } from './cases.service';
import { CreateCaseDto, ListCasesQuery, UpdateCaseDto } from './dto/case.dto';

@ApiTags('cases')
@ApiBearerAuth()
@Controller('cases')
export class CasesController {
  constructor(private readonly cases: CasesService) {}

  @Get()
  list(@CurrentUser() user: AuthUser, @Query() query: ListCasesQuery) {
    return this.cases.list(user, query);
  }

  @Post()
  @Roles('ADMIN', 'INVESTIGATOR')
  create(@CurrentUser() user: AuthUser, @Body() dto: CreateCaseDto) {
    return this.cases.create(user, dto);
  }

  @Get(':id')
  get(@CurrentUser() user: AuthUser, @Param('id', new ParseUUIDPipe()) id: string) {
    return this.cases.get(user, id);
  }

  @Patch(':id')
  @Roles('ADMIN', 'INVESTIGATOR')
  update(@CurrentUser() user: AuthUser, @Param('id', new ParseUUIDPipe()) id: string, @Body() dto: UpdateCaseDto) {
    return this.cases.update(user, id, dto);
  }

  @Get(':id/timeline')
  timeline(@CurrentUser() user: AuthUser, @Param('id', new ParseUUIDPipe()) id: string, @Query() page: PageQuery) {
    return this.cases.timeline(user, id, page);
  }
}
