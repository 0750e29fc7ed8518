import { beforeEach, describe, expect, it } from '@jest/globals';
import type { CasesService, CaseChanges } from '../../cases/cases.service';
import type { UnitOfWork } from '../../database/unit-of-work';
import type { CaseSnapshot, ChangeOrigin } from '../../events/event-map';
import type { NotificationsService } from '../../notifications/notifications.service';
import { scopeAccessProblem } from '../../users/scope-access';
import type { UserEntity } from '../../users/user.entity';
import type { UsersService } from '../../users/users.service';
import type { RuleRepository } from '../rules/rule.repository';
import type { ActionSpec, Rule, RuleAction } from '../rules/rule.types';
import { ActionExecutor } from './action-executor';
import { ActionFailure, type RunContext } from './action-context';
import { forDryRun } from '../engine/run-request';

/** In-memory stand-ins for what the executor calls: they record what it staged. */
class FakeCases {
  readonly changes: Array<{ caseId: string; changes: CaseChanges; origin: ChangeOrigin }> = [];
  readonly timeline: Array<{ caseId: string; kind: string; message: string; origin: ChangeOrigin }> = [];
  openCounts = new Map<string, number>();
  async applyChanges(_uow: UnitOfWork, caseId: string, changes: CaseChanges, origin: ChangeOrigin) {
    this.changes.push({ caseId, changes, origin });
    const c = current;
    const tags = changes.addTags ? [...new Set([...c.tags, ...changes.addTags])] : c.tags;
    current = { ...c, ...(changes.status ? { status: changes.status } : {}), ...(changes.assigneeId !== undefined ? { assigneeId: changes.assigneeId } : {}), tags };
    return { case: current };
  }
  async addTimelineEntry(_uow: UnitOfWork, caseId: string, kind: string, message: string, origin: ChangeOrigin) {
    this.timeline.push({ caseId, kind, message, origin });
  }
  async openCaseCounts() { return this.openCounts; }
}

class FakeUsers {
  constructor(readonly all: UserEntity[]) {}
  async findManyByIds(ids: string[]) { return this.all.filter((u) => ids.includes(u.id)); }
  async scopeAccess(ids: string[], scopeCode: string) {
    return new Map(ids.map((id) => {
      const user = this.all.find((u) => u.id === id);
      return [id, { user, problem: scopeAccessProblem(user, scopeCode) }] as const;
    }));
  }
  async findAssignable(scopeCode: string, role?: string) {
    return this.all.filter((u) => u.isActive && (!role || u.role === role) && (u.scopeCodes.length === 0 || u.scopeCodes.includes(scopeCode)))
      .sort((a, b) => a.id.localeCompare(b.id));
  }
  async activeAdminIds() { return this.all.filter((u) => u.isActive && u.role === 'ADMIN').map((u) => u.id); }
}

class FakeNotifications {
  readonly sent: Array<{ userId: string; title: string; message: string; priority: string; ruleId?: string | null }> = [];
  async send(items: FakeNotifications['sent']) { this.sent.push(...items); }
}

class FakeRoundRobin {
  readonly last = new Map<string, string>();
  async roundRobinLast(_uow: UnitOfWork, ruleId: string) { return this.last.get(ruleId) ?? null; }
  async setRoundRobinLast(_uow: UnitOfWork, ruleId: string, userId: string) { this.last.set(ruleId, userId); }
}

const user = (id: string, name: string, extra: Partial<UserEntity> = {}) =>
  ({ id, name, email: `${name}@x`, role: 'INVESTIGATOR', isActive: true, scopeCodes: [], ...extra }) as UserEntity;
const ALICE = user('00000000-0000-4000-8000-00000000000a', 'Alice');
const BOB = user('00000000-0000-4000-8000-00000000000b', 'Bob');
const GONE = user('00000000-0000-4000-8000-00000000000c', 'Gone', { isActive: false });
const HR_ONLY = user('00000000-0000-4000-8000-00000000000d', 'Harry', { scopeCodes: ['HR'] });
const ADMIN = user('00000000-0000-4000-8000-0000000000ad', 'Ada', { role: 'ADMIN' });

const base: CaseSnapshot = {
  id: '00000000-0000-4000-8000-0000000000c1', caseNumber: 'FIN-2026-0007', title: 'Ledger gaps', description: '', status: 'OPEN',
  caseType: 'AUDIT', scopeCode: 'FIN', severity: 'HIGH', assigneeId: ALICE.id, ownerId: BOB.id, tags: ['q2'], dueDate: null,
  evidenceCount: 0, createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z', closedAt: null,
};
let current: CaseSnapshot = base;

const rule = { id: 'rule-1', name: 'Review rule' } as Rule;
const uow = {} as UnitOfWork;
const action = (spec: ActionSpec): RuleAction => ({ id: 'a', ruleId: rule.id, sequence: 0, ...spec });
const ctx = (extra: Partial<RunContext> = {}): RunContext =>
  ({ ...forDryRun(rule, base.id, 'case.status_changed', 'IN_PROGRESS'), depth: 1, actorId: BOB.id, ...extra });

describe('ActionExecutor (against in-memory fakes)', () => {
  let cases: FakeCases;
  let notifications: FakeNotifications;
  let roundRobin: FakeRoundRobin;
  let executor: ActionExecutor;

  beforeEach(() => {
    current = base;
    cases = new FakeCases();
    notifications = new FakeNotifications();
    roundRobin = new FakeRoundRobin();
    executor = new ActionExecutor(
      cases as unknown as CasesService, new FakeUsers([ALICE, BOB, GONE, HR_ONLY, ADMIN]) as unknown as UsersService,
      notifications as unknown as NotificationsService, roundRobin as unknown as RuleRepository,
    );
  });

  it('CHANGE_STATUS stages the change as the rule, one level deeper, and returns the case after it', async () => {
    const result = await executor.execute(action({ actionType: 'CHANGE_STATUS', actionConfig: { status: 'CLOSED' } }), ctx(), uow, base);
    expect(cases.changes).toEqual([{ caseId: base.id, changes: { status: 'CLOSED' }, origin: { actorId: null, ruleId: rule.id, causeDepth: 1 } }]);
    expect(result).toEqual({ detail: 'status OPEN → CLOSED', snapshot: expect.objectContaining({ status: 'CLOSED' }) });
  });

  it('stages nothing when the case is already as the action wants it', async () => {
    expect((await executor.execute(action({ actionType: 'CHANGE_STATUS', actionConfig: { status: 'OPEN' } }), ctx(), uow, base)).detail).toBe('status already OPEN');
    expect((await executor.execute(action({ actionType: 'ADD_TAG', actionConfig: { tag: 'q2' } }), ctx(), uow, base)).detail).toBe('tag q2 already present');
    expect(cases.changes).toEqual([]);
  });

  it('ADD_TAG adds the tag', async () => {
    const result = await executor.execute(action({ actionType: 'ADD_TAG', actionConfig: { tag: 'review' } }), ctx(), uow, base);
    expect(cases.changes.map((c) => c.changes)).toEqual([{ addTags: ['review'] }]);
    expect(result.snapshot.tags).toEqual(['q2', 'review']);
  });

  it('CREATE_TIMELINE writes the rendered entry as the rule', async () => {
    await executor.execute(action({ actionType: 'CREATE_TIMELINE', actionConfig: { message: '{{case.caseNumber}} moved from {{case.previousStatus}} by {{actor.name}}' } }), ctx(), uow, base);
    expect(cases.timeline).toEqual([{ caseId: base.id, kind: 'WORKFLOW', message: 'FIN-2026-0007 moved from IN_PROGRESS by Bob', origin: { actorId: null, ruleId: rule.id, causeDepth: 1 } }]);
  });

  it('SEND_NOTIFICATION notifies the resolved recipients (assignee, admins) with the rendered text and priority', async () => {
    const result = await executor.execute(action({
      actionType: 'SEND_NOTIFICATION',
      actionConfig: { recipients: ['ASSIGNEE', 'ADMINS'], title: '{{case.caseNumber}} for {{case.assignee.name}}', message: '{{rule.name}}', priority: 'HIGH' },
    }), ctx(), uow, base);
    expect(notifications.sent.map((n) => [n.userId, n.title, n.message, n.priority, n.ruleId])).toEqual([
      [ALICE.id, 'FIN-2026-0007 for Alice', 'Review rule', 'HIGH', rule.id],
      [ADMIN.id, 'FIN-2026-0007 for Alice', 'Review rule', 'HIGH', rule.id],
    ]);
    expect(result.detail).toBe('notified Alice, Ada');
  });

  it('SEND_NOTIFICATION to a case without assignee notifies nobody and says why', async () => {
    const result = await executor.execute(action({ actionType: 'SEND_NOTIFICATION', actionConfig: { recipients: ['ASSIGNEE'], title: 't', message: 'm' } }),
      ctx(), uow, { ...base, assigneeId: null });
    expect(notifications.sent).toEqual([]);
    expect(result.detail).toBe('no recipients (case has no assignee)');
  });

  it('fails with a message an admin can act on when a named user is missing, deactivated or out of scope', async () => {
    const assign = (userId: string) => executor.execute(action({ actionType: 'ASSIGN_USER', actionConfig: { userId } }), ctx(), uow, base);
    await expect(assign('00000000-0000-4000-8000-000000000999')).rejects.toThrow(new ActionFailure('user 00000000-0000-4000-8000-000000000999 no longer exists'));
    await expect(assign(GONE.id)).rejects.toThrow('user Gone is deactivated and cannot be assigned');
    await expect(assign(HR_ONLY.id)).rejects.toThrow('user Harry may not see scope FIN and cannot be assigned');
    await expect(executor.execute(action({ actionType: 'SEND_NOTIFICATION', actionConfig: { recipients: [GONE.id], title: 't', message: 'm' } }), ctx(), uow, base))
      .rejects.toThrow('recipient Gone is deactivated');
    expect(cases.changes).toEqual([]);
    expect(notifications.sent).toEqual([]);
  });

  it('ASSIGN_USER ROUND_ROBIN takes turns among the users who may see the scope', async () => {
    const rr = action({ actionType: 'ASSIGN_USER', actionConfig: { strategy: 'ROUND_ROBIN', role: 'INVESTIGATOR' } });
    const picks: string[] = [];
    for (let i = 0; i < 3; i++) picks.push((await executor.execute(rr, ctx(), uow, { ...base, assigneeId: null })).detail);
    expect(picks).toEqual(['assigned to Alice (ROUND_ROBIN)', 'assigned to Bob (ROUND_ROBIN)', 'assigned to Alice (ROUND_ROBIN)']);
  });

  it('describe() says what would happen without staging anything', async () => {
    expect(await executor.describe(action({ actionType: 'CHANGE_STATUS', actionConfig: { status: 'CLOSED' } }), ctx(), base, uow))
      .toBe('change status from OPEN to CLOSED');
    expect(await executor.describe(action({ actionType: 'ASSIGN_USER', actionConfig: { userId: GONE.id } }), ctx(), base, uow))
      .toBe('would fail: user Gone is deactivated and cannot be assigned');
    expect(cases.changes).toEqual([]);
    expect(roundRobin.last.size).toBe(0);
  });
});
