import {
  Body, Controller, Delete, Get, Headers, HttpCode, Param, ParseIntPipe, ParseUUIDPipe, Patch, Post, Put, Query, Res,
} from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { AuthUser } from '../common/auth-user';
import { CurrentUser, Roles } from '../common/decorators';
import { PageQuery } from '../common/list';
import {
  ActionDto, BacktestDto, CreateRuleDto, CronPreviewQuery, DraftDryRunDto, DryRunDto, ListRulesQuery, ReplaceRuleDto, RuleTransferDto, UpdateActionDto, UpdateRuleDto,
} from './dto/rule.dto';
import { RuleAnalysisService } from './analysis/rule-analysis.service';
import { RuleTransferService } from './rules/rule-transfer.service';
import { BacktestService } from './engine/backtest.service';
import { DryRunService } from './engine/dry-run.service';
import { RevisionsService } from './rules/revisions.service';
import { RulesService } from './rules/rules.service';
import { WORKFLOW_META } from './workflow-meta';
import { cronPreview } from './cron-preview';
import { RULE_TEMPLATES } from './rule-templates';

const uuid = new ParseUUIDPipe();

/** Rule responses carry the rule's newest revision as their ETag; If-Match on a change expects it (412 otherwise). */
function withRevision<T>(res: Response, saved: { revision: number } & T): T {
  res.setHeader('ETag', `"${saved.revision}"`);
  return saved;
}

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
    private readonly analysis: RuleAnalysisService,
    private readonly backtests: BacktestService,
  ) {}

  @Get('meta')
  meta() {
    return WORKFLOW_META;
  }

  /** Ready-made rules; each `rule` is a body for POST /workflows/rules, saved as a draft. */
  @Get('templates')
  templates() {
    return RULE_TEMPLATES;
  }

  /** The schedule in words and its next five firings, computed as the scheduler computes them. */
  @Get('cron-preview')
  cronPreview(@Query() query: CronPreviewQuery) {
    return cronPreview(query.cron, query.timeZone);
  }

  @Get('rules')
  async list(@Query() query: ListRulesQuery) {
    return this.analysis.annotateList(await this.rules.list(query));
  }

  @Post('rules')
  async create(@CurrentUser() user: AuthUser, @Body() dto: CreateRuleDto, @Res({ passthrough: true }) res: Response) {
    return this.analysis.annotate(withRevision(res, await this.rules.create(user, dto)).rule);
  }

  @Post('rules/test')
  @HttpCode(200)
  testDraft(@Body() dto: DraftDryRunDto) {
    return this.dryRun.runDraft(dto);
  }

  /** What a saved or draft rule would have done over the recorded events of the last `days` days (read-only). */
  @Post('rules/backtest')
  @HttpCode(200)
  backtest(@CurrentUser() user: AuthUser, @Body() dto: BacktestDto) {
    return this.backtests.run(user, dto);
  }

  @Get('rules/export')
  exportRules() {
    return this.transfer.export();
  }

  @Post('rules/import')
  async importRules(@CurrentUser() user: AuthUser, @Body() dto: RuleTransferDto) {
    return this.analysis.annotateList(await this.transfer.import(user, dto));
  }

  @Get('rules/:id')
  async get(@Param('id', uuid) id: string, @Res({ passthrough: true }) res: Response) {
    return this.analysis.annotate(withRevision(res, await this.rules.getWithRevision(id)).rule);
  }

  @Put('rules/:id')
  @ApiHeader({ name: 'If-Match', required: false, description: 'The ETag of the rule as read ("<revision>"); another save in between → 412' })
  async replace(
    @CurrentUser() user: AuthUser, @Param('id', uuid) id: string, @Body() dto: ReplaceRuleDto,
    @Headers('if-match') ifMatch: string | undefined, @Res({ passthrough: true }) res: Response,
  ) {
    return this.analysis.annotate(withRevision(res, await this.rules.replace(user, id, dto, ifMatch)).rule);
  }

  @Patch('rules/:id')
  async update(
    @CurrentUser() user: AuthUser, @Param('id', uuid) id: string, @Body() dto: UpdateRuleDto,
    @Headers('if-match') ifMatch: string | undefined, @Res({ passthrough: true }) res: Response,
  ) {
    return this.analysis.annotate(withRevision(res, await this.rules.update(user, id, dto, ifMatch)).rule);
  }

  @Delete('rules/:id')
  @HttpCode(204)
  async remove(@CurrentUser() user: AuthUser, @Param('id', uuid) id: string, @Headers('if-match') ifMatch: string | undefined) {
    await this.rules.remove(user, id, ifMatch);
  }

  @Post('rules/:id/toggle')
  @HttpCode(200)
  async toggle(
    @CurrentUser() user: AuthUser, @Param('id', uuid) id: string,
    @Headers('if-match') ifMatch: string | undefined, @Res({ passthrough: true }) res: Response,
  ) {
    return this.analysis.annotate(withRevision(res, await this.rules.toggle(user, id, ifMatch)).rule);
  }

  /** Ends a pause of the circuit breaker (409 when the rule is not paused). */
  @Post('rules/:id/resume')
  @HttpCode(200)
  async resume(
    @CurrentUser() user: AuthUser, @Param('id', uuid) id: string,
    @Headers('if-match') ifMatch: string | undefined, @Res({ passthrough: true }) res: Response,
  ) {
    return this.analysis.annotate(withRevision(res, await this.rules.resume(user, id, ifMatch)).rule);
  }

  @Post('rules/:id/actions')
  async addAction(
    @CurrentUser() user: AuthUser, @Param('id', uuid) id: string, @Body() dto: ActionDto,
    @Headers('if-match') ifMatch: string | undefined, @Res({ passthrough: true }) res: Response,
  ) {
    return withRevision(res, await this.rules.addAction(user, id, dto, ifMatch)).action;
  }

  @Patch('rules/:id/actions/:actionId')
  async updateAction(
    @CurrentUser() user: AuthUser, @Param('id', uuid) id: string, @Param('actionId', uuid) actionId: string, @Body() dto: UpdateActionDto,
    @Headers('if-match') ifMatch: string | undefined, @Res({ passthrough: true }) res: Response,
  ) {
    return withRevision(res, await this.rules.updateAction(user, id, actionId, dto, ifMatch)).action;
  }

  @Delete('rules/:id/actions/:actionId')
  @HttpCode(204)
  async removeAction(
    @CurrentUser() user: AuthUser, @Param('id', uuid) id: string, @Param('actionId', uuid) actionId: string,
    @Headers('if-match') ifMatch: string | undefined,
  ) {
    await this.rules.removeAction(user, id, actionId, ifMatch);
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
  async restore(
    @CurrentUser() user: AuthUser, @Param('id', uuid) id: string, @Param('revision', new ParseIntPipe()) revision: number,
    @Headers('if-match') ifMatch: string | undefined, @Res({ passthrough: true }) res: Response,
  ) {
    return this.analysis.annotate(withRevision(res, await this.rules.restore(user, id, revision, ifMatch)).rule);
  }
}
