import { Body, Controller, Delete, Get, HttpCode, Param, ParseIntPipe, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../common/auth-user';
import { CurrentUser, Roles } from '../common/decorators';
import { PageQuery } from '../common/list';
import { ActionDto, CreateRuleDto, DryRunDto, ListRulesQuery, RuleTransferDto, UpdateActionDto, UpdateRuleDto } from './dto/rule.dto';
import { RuleTransferService } from './rules/rule-transfer.service';
import { DryRunService } from './engine/dry-run.service';
import { RevisionsService } from './rules/revisions.service';
import { RulesService } from './rules/rules.service';
import { WORKFLOW_META } from './workflow-meta';

const uuid = new ParseUUIDPipe();

@ApiTags('workflows')
@ApiBearerAuth()
@Roles('ADMIN')
@Controller('workflows')
export class WorkflowsController {
  constructor(
    private readonly rules: RulesService,
    private readonly dryRun: DryRunService,
    private readonly revisions: RevisionsService,
    private readonly transfer: RuleTransferService,
  ) {}

  @Get('meta')
  meta() {
    return WORKFLOW_META;
  }

  @Get('rules')
  list(@Query() query: ListRulesQuery) {
    return this.rules.list(query);
  }

  @Post('rules')
  create(@CurrentUser() user: AuthUser, @Body() dto: CreateRuleDto) {
    return this.rules.create(user, dto);
  }

  @Get('rules/export')
  exportRules() {
    return this.transfer.export();
  }

  @Post('rules/import')
  importRules(@CurrentUser() user: AuthUser, @Body() dto: RuleTransferDto) {
    return this.transfer.import(user, dto);
  }

  @Get('rules/:id')
  get(@Param('id', uuid) id: string) {
    return this.rules.get(id);
  }

  @Patch('rules/:id')
  update(@CurrentUser() user: AuthUser, @Param('id', uuid) id: string, @Body() dto: UpdateRuleDto) {
    return this.rules.update(user, id, dto);
  }

  @Delete('rules/:id')
  @HttpCode(204)
  async remove(@CurrentUser() user: AuthUser, @Param('id', uuid) id: string) {
    await this.rules.remove(user, id);
  }

  @Post('rules/:id/toggle')
  @HttpCode(200)
  toggle(@CurrentUser() user: AuthUser, @Param('id', uuid) id: string) {
    return this.rules.toggle(user, id);
  }

  @Post('rules/:id/actions')
  addAction(@CurrentUser() user: AuthUser, @Param('id', uuid) id: string, @Body() dto: ActionDto) {
    return this.rules.addAction(user, id, dto);
  }

  @Patch('rules/:id/actions/:actionId')
  updateAction(@CurrentUser() user: AuthUser, @Param('id', uuid) id: string, @Param('actionId', uuid) actionId: string, @Body() dto: UpdateActionDto) {
    return this.rules.updateAction(user, id, actionId, dto);
  }

  @Delete('rules/:id/actions/:actionId')
  @HttpCode(204)
  async removeAction(@CurrentUser() user: AuthUser, @Param('id', uuid) id: string, @Param('actionId', uuid) actionId: string) {
    await this.rules.removeAction(user, id, actionId);
  }

  @Post('rules/:id/test')
  @HttpCode(200)
  test(@Param('id', uuid) id: string, @Body() dto: DryRunDto) {
    return this.dryRun.run(id, dto);
  }

  @Get('rules/:id/revisions')
  listRevisions(@Param('id', uuid) id: string, @Query() page: PageQuery) {
    return this.revisions.list(id, page);
  }

  @Post('rules/:id/revisions/:revision/restore')
  @HttpCode(200)
  restore(@CurrentUser() user: AuthUser, @Param('id', uuid) id: string, @Param('revision', new ParseIntPipe()) revision: number) {
    return this.rules.restore(user, id, revision);
  }
}
