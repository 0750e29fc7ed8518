import { Injectable } from '@nestjs/common';
import { CasesService } from '../../cases/cases.service';
import type { UnitOfWork } from '../../database/unit-of-work';
import type { CaseSnapshot, ChangeOrigin } from '../../events/event-map';
import { NotificationsService } from '../../notifications/notifications.service';
import { scopeAccessProblem } from '../../users/scope-access';
import type { UserEntity } from '../../users/user.entity';
import { UsersService } from '../../users/users.service';
import { toCaseView } from '../../cases/case-view';
import { WebhooksService } from '../../webhooks/webhooks.service';
import { RuleRepository } from '../rules/rule.repository';
import type { AssignUserConfig, RuleAction, SendNotificationConfig } from '../rules/rule.types';
import { renderTemplate, type TemplateVariable } from '../templates';
import { ActionFailure, type RunContext } from './action-context';

const NAME_VARIABLES = /\{\{\s*(case\.assignee\.name|actor\.name)\s*\}\}/;

/** Runs one action of a rule against a case (or, for dry runs, says what it would do). */
@Injectable()
export class ActionExecutor {
  constructor(
    private readonly cases: CasesService,
    private readonly users: UsersService,
    private readonly notifications: NotificationsService,
    private readonly rules: RuleRepository,
    private readonly webhooks: WebhooksService,
  ) {}

  /**
   * Performs the action inside `uow` on the case as `snapshot` shows it; returns a one-line detail
   * for history and the case afterwards. Throws ActionFailure.
   */
  async execute(action: RuleAction, ctx: RunContext, uow: UnitOfWork, snapshot: CaseSnapshot): Promise<{ detail: string; snapshot: CaseSnapshot }> {
    const done = (detail: string, after: CaseSnapshot = snapshot) => ({ detail, snapshot: after });
    const origin: ChangeOrigin = { actorId: null, ruleId: ctx.rule.id, causeDepth: ctx.depth };
    switch (action.actionType) {
      case 'CHANGE_STATUS': {
        const { status } = action.actionConfig;
        if (snapshot.status === status) return done(`status already ${status}`);
        const { case: after } = await this.cases.applyChanges(uow, ctx.caseId, { status }, origin);
        return done(`status ${snapshot.status} → ${status}`, after);
      }
      case 'ADD_TAG': {
        const { tag } = action.actionConfig;
        if (snapshot.tags.includes(tag)) return done(`tag ${tag} already present`);
        const { case: after } = await this.cases.applyChanges(uow, ctx.caseId, { addTags: [tag] }, origin);
        return done(`tag ${tag} added`, after);
      }
      case 'ASSIGN_USER': {
        const cfg = action.actionConfig;
        const user = await this.chooseAssignee(cfg, snapshot, ctx, uow, true);
        if (snapshot.assigneeId === user.id) return done(`already assigned to ${user.name}`);
        const { case: after } = await this.cases.applyChanges(uow, ctx.caseId, { assigneeId: user.id }, origin);
        return done(`assigned to ${user.name}${strategyNote(cfg)}`, after);
      }
      case 'SEND_NOTIFICATION': {
        const cfg = action.actionConfig;
        const { recipients, skipped, people } = await this.resolveRecipients(cfg, snapshot, uow, ctx.actorId);
        const values = await this.templateValues(ctx, snapshot, uow, people);
        const title = renderTemplate(cfg.title, values).slice(0, 300);
        const message = renderTemplate(cfg.message, values).slice(0, 5000);
        if (!recipients.length) return done(`no recipients${skipped.length ? ` (${skipped.join('; ')})` : ''}`);
        await this.notifications.send(recipients.map((u) => ({
          userId: u.id, title, message, priority: cfg.priority ?? 'NORMAL',
          entityType: 'case', entityId: ctx.caseId, scopeCode: snapshot.scopeCode, linkUrl: `/cases/${ctx.caseId}`, ruleId: ctx.rule.id,
          ruleName: ctx.rule.name,
        })), uow);
        return done(`notified ${recipients.map((u) => u.name).join(', ')}${skipped.length ? ` (${skipped.join('; ')})` : ''}`);
      }
      case 'CREATE_TIMELINE': {
        const template = action.actionConfig.message;
        const message = renderTemplate(template, await this.templateValues(ctx, snapshot, uow, undefined, template)).slice(0, 5000);
        await this.cases.addTimelineEntry(uow, ctx.caseId, 'WORKFLOW', message, origin);
        return done(`timeline: ${message}`);
      }
      case 'CALL_WEBHOOK': {
        // Only queued here, in the rule's transaction; the worker calls out after commit.
        const outcome = await this.webhooks.queueDelivery(uow, action.actionConfig.webhookId, {
          event: { id: ctx.eventId, name: ctx.eventName, occurredAt: ctx.occurredAt ?? new Date().toISOString() },
          rule: { id: ctx.rule.id, name: ctx.rule.name },
          case: toCaseView(snapshot),
        });
        if (!outcome.queued) throw new ActionFailure(outcome.problem);
        return done(`queued delivery ${outcome.deliveryId} to ${outcome.webhookName}`);
      }
    }
  }

  /** What `execute` would do, without changing anything. */
  async describe(action: RuleAction, ctx: RunContext, snapshot: CaseSnapshot, uow: UnitOfWork): Promise<string> {
    try {
      switch (action.actionType) {
        case 'CHANGE_STATUS': {
          const { status } = action.actionConfig;
          return snapshot.status === status ? `leave status ${status} (already set)` : `change status from ${snapshot.status} to ${status}`;
        }
        case 'ADD_TAG': {
          const { tag } = action.actionConfig;
          return snapshot.tags.includes(tag) ? `leave tag ${tag} (already present)` : `add tag ${tag}`;
        }
        case 'ASSIGN_USER': {
          const user = await this.chooseAssignee(action.actionConfig, snapshot, ctx, uow, false);
          return `assign to ${user.name}${strategyNote(action.actionConfig)}`;
        }
        case 'SEND_NOTIFICATION': {
          const cfg = action.actionConfig;
          const { recipients, skipped, people } = await this.resolveRecipients(cfg, snapshot, uow, ctx.actorId);
          const values = await this.templateValues(ctx, snapshot, uow, people);
          const who = recipients.length ? recipients.map((u) => u.name).join(', ') : 'nobody';
          return `notify ${who} (${cfg.priority ?? 'NORMAL'}): "${renderTemplate(cfg.title, values)}" — ${renderTemplate(cfg.message, values)}${skipped.length ? ` [${skipped.join('; ')}]` : ''}`;
        }
        case 'CREATE_TIMELINE':
          return `add timeline entry: ${renderTemplate(action.actionConfig.message, await this.templateValues(ctx, snapshot, uow))}`;
        case 'CALL_WEBHOOK': {
          const webhook = await this.webhooks.find(action.actionConfig.webhookId, uow);
          if (!webhook) return `would fail: webhook ${action.actionConfig.webhookId} no longer exists`;
          if (!webhook.isEnabled) return `would fail: webhook ${webhook.name} is disabled`;
          return `call webhook ${webhook.name} (POST ${webhook.url})`;
        }
      }
    } catch (error) {
      if (error instanceof ActionFailure) return `would fail: ${error.message}`;
      throw error;
    }
  }

  private async chooseAssignee(cfg: AssignUserConfig, c: CaseSnapshot, ctx: RunContext, uow: UnitOfWork, commit: boolean): Promise<UserEntity> {
    if ('userId' in cfg) {
      const { user, problem } = (await this.users.scopeAccess([cfg.userId], c.scopeCode, uow)).get(cfg.userId)!;
      if (problem === 'NO_SUCH_USER') throw new ActionFailure(`user ${cfg.userId} no longer exists`);
      if (problem === 'DEACTIVATED') throw new ActionFailure(`user ${user!.name} is deactivated and cannot be assigned`);
      if (problem === 'OUT_OF_SCOPE') throw new ActionFailure(`user ${user!.name} may not see scope ${c.scopeCode} and cannot be assigned`);
      return user!;
    }
    const candidates = await this.users.findAssignable(c.scopeCode, cfg.role, uow);
    if (!candidates.length) {
      throw new ActionFailure(`no active ${cfg.role ? `${cfg.role} ` : ''}user may see scope ${c.scopeCode}`);
    }
    if (cfg.strategy === 'LEAST_LOADED') {
      const load = await this.cases.openCaseCounts(candidates.map((u) => u.id), uow);
      // Fewest open cases; ties go to the earliest id so the choice is stable.
      return candidates.reduce((best, u) => ((load.get(u.id) ?? 0) < (load.get(best.id) ?? 0) ? u : best));
    }
    // ROUND_ROBIN: one cursor per rule, locked in this transaction (when committing), so processes take turns fairly.
    const last = await this.rules.roundRobinLast(uow, ctx.rule.id, commit);
    const next = candidates.find((u) => last !== null && u.id > last) ?? candidates[0];
    if (commit) await this.rules.setRoundRobinLast(uow, ctx.rule.id, next.id);
    return next;
  }

  /** Active users who may see the case; named users that are inactive or out of scope fail the action. */
  private async resolveRecipients(
    cfg: SendNotificationConfig, c: CaseSnapshot, uow: UnitOfWork, alsoLoad: string | null = null,
  ): Promise<{ recipients: UserEntity[]; skipped: string[]; people: Map<string, string> }> {
    const wanted = cfg.recipients;
    const skipped: string[] = [];
    const ids = new Set<string>();
    for (const r of wanted) {
      if (r === 'ASSIGNEE') { if (c.assigneeId) ids.add(c.assigneeId); else skipped.push('case has no assignee'); }
      else if (r === 'OWNER') { if (c.ownerId) ids.add(c.ownerId); else skipped.push('case has no owner'); }
      else if (r === 'ADMINS') for (const id of await this.users.activeAdminIds(uow)) ids.add(id);
    }
    const named = wanted.filter((r) => !['ASSIGNEE', 'OWNER', 'ADMINS'].includes(r));
    // One query for recipients, the assignee and the actor (template names).
    const extra = [c.assigneeId, alsoLoad].filter((x): x is string => !!x);
    const loaded = await this.users.findManyByIds([...new Set([...ids, ...named, ...extra])], uow);
    const people = new Map(loaded.map((u) => [u.id, u.name]));
    const byId = new Map(loaded.map((u) => [u.id, u]));
    const users = loaded.filter((u) => ids.has(u.id) || named.includes(u.id));
    for (const id of named) {
      const u = byId.get(id);
      const problem = scopeAccessProblem(u, c.scopeCode);
      if (problem === 'NO_SUCH_USER') throw new ActionFailure(`recipient ${id} no longer exists`);
      if (problem === 'DEACTIVATED') throw new ActionFailure(`recipient ${u!.name} is deactivated`);
      if (problem === 'OUT_OF_SCOPE') throw new ActionFailure(`recipient ${u!.name} may not see scope ${c.scopeCode}`);
    }
    const recipients: UserEntity[] = [];
    for (const u of users) {
      const problem = scopeAccessProblem(u, c.scopeCode);
      if (problem === 'DEACTIVATED') { skipped.push(`${u.name} is deactivated`); continue; }
      // Need-to-know: nobody hears about a case they may not see.
      if (problem === 'OUT_OF_SCOPE') { skipped.push(`${u.name} may not see scope ${c.scopeCode}`); continue; }
      recipients.push(u);
    }
    return { recipients, skipped, people };
  }

  /** Values for the template variables; people's names are looked up only when `template` (if given) uses them. */
  private async templateValues(
    ctx: RunContext, c: CaseSnapshot, uow: UnitOfWork, known?: Map<string, string>, template?: string,
  ): Promise<Partial<Record<TemplateVariable, string | null>>> {
    const ids = [c.assigneeId, ctx.actorId].filter((x): x is string => !!x);
    const namesNeeded = template === undefined || NAME_VARIABLES.test(template);
    const people = !namesNeeded ? new Map<string, string>()
      : known && ids.every((id) => known.has(id)) ? known
        : new Map((await this.users.findManyByIds(ids, uow)).map((u) => [u.id, u.name]));
    return {
      'case.caseNumber': c.caseNumber,
      'case.title': c.title,
      'case.status': c.status,
      'case.previousStatus': ctx.previousStatus,
      'case.severity': c.severity,
      'case.caseType': c.caseType,
      'case.scopeCode': c.scopeCode,
      'case.dueDate': c.dueDate ? c.dueDate.slice(0, 10) : null,
      'case.assignee.name': c.assigneeId ? people.get(c.assigneeId) ?? null : null,
      'rule.name': ctx.rule.name,
      'event.name': ctx.eventName,
      'actor.name': ctx.actorId ? people.get(ctx.actorId) ?? null : 'AuditCaseOS automation',
      'evidence.filename': ctx.evidenceFilename,
    };
  }
}

function strategyNote(cfg: AssignUserConfig): string {
  return 'strategy' in cfg ? ` (${cfg.strategy})` : '';
}
