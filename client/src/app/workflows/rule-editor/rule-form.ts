// The rule editor form: its shape, per-kind validation, and the payloads it becomes.
import { AbstractControl, FormArray, FormControl, FormGroup, ValidationErrors, ValidatorFn, Validators } from '@angular/forms';
import { moveItemInArray } from '@angular/cdk/drag-drop';
import { CaseStatus, CaseType, EventName, NotificationPriority, Role } from '../../../../../contracts/enums';
import {
  ActionConfig,
  ActionRequest,
  ActionType,
  AssignStrategy,
  Condition,
  ConditionValue,
  RuleRequest,
  TriggerConfig,
  TriggerType,
  WorkflowAction,
  WorkflowMeta,
  WorkflowRule,
} from '../workflow.models';
import { coerceConditionValue, fieldMeta, valueKindFor } from './condition-ops';

// ---------------------------------------------------------------- form shapes

export type ConditionForm = FormGroup<{
  field: FormControl<string>;
  op: FormControl<string>;
  value: FormControl<ConditionValue>;
}>;

export type TriggerForm = FormGroup<{
  fromStatus: FormControl<CaseStatus[]>;
  toStatus: FormControl<CaseStatus[]>;
  event: FormControl<EventName | ''>;
  cron: FormControl<string>;
  /** IANA zone the cron is read in (TIME_BASED only). */
  timeZone: FormControl<string>;
  match: FormControl<'ALL' | 'ANY'>;
  conditions: FormArray<ConditionForm>;
}>;

export type AssignMode = 'USER' | 'STRATEGY';

export type ActionForm = FormGroup<{
  /** The saved action's id; null for an action not saved yet. */
  id: FormControl<string | null>;
  actionType: FormControl<ActionType>;
  status: FormControl<CaseStatus | ''>;
  assignMode: FormControl<AssignMode>;
  userId: FormControl<string>;
  strategy: FormControl<AssignStrategy>;
  role: FormControl<Role | ''>;
  tag: FormControl<string>;
  recipients: FormControl<string[]>;
  title: FormControl<string>;
  message: FormControl<string>;
  priority: FormControl<NotificationPriority>;
  webhookId: FormControl<string>;
}>;

export type RuleForm = FormGroup<{
  name: FormControl<string>;
  description: FormControl<string>;
  isEnabled: FormControl<boolean>;
  priority: FormControl<number>;
  cooldownSeconds: FormControl<number>;
  stopProcessing: FormControl<boolean>;
  scopeCodes: FormControl<string[]>;
  caseTypes: FormControl<CaseType[]>;
  triggerType: FormControl<TriggerType>;
  trigger: TriggerForm;
  actions: FormArray<ActionForm>;
}>;

export type RuleFormValue = ReturnType<RuleForm['getRawValue']>;
export type ActionFormValue = ReturnType<ActionForm['getRawValue']>;
export type TriggerFormValue = ReturnType<TriggerForm['getRawValue']>;

// ---------------------------------------------------------------- validators

/**
 * Only the shape is checked here; whether the fields mean a schedule is the server's answer
 * (GET /workflows/cron-preview, shown and reported by the cron preview), so both ends agree.
 */
export const cronValidator: ValidatorFn = (control: AbstractControl): ValidationErrors | null => {
  const fields = String(control.value ?? '').trim().split(/\s+/).filter(Boolean);
  if (!fields.length || fields.length === 5 || fields.length === 6) return null;
  return { cron: `must have 5 fields (or 6 with seconds first), got ${fields.length}` };
};

const atLeastOne: ValidatorFn = (control) =>
  Array.isArray(control.value) && control.value.length > 0 ? null : { required: true };

// ---------------------------------------------------------------- builders

function nn<T>(value: T, validators: ValidatorFn[] = []): FormControl<T> {
  return new FormControl<T>(value, { nonNullable: true, validators });
}

export function createConditionForm(condition?: Partial<Condition>): ConditionForm {
  return new FormGroup({
    field: nn(condition?.field ?? 'status', [Validators.required]),
    op: nn(condition?.op ?? 'eq', [Validators.required]),
    value: new FormControl<ConditionValue>(condition?.value ?? null),
  });
}

export function createTriggerForm(type: TriggerType = 'STATUS_CHANGE', config?: TriggerConfig): TriggerForm {
  const cfg = (config ?? {}) as Record<string, unknown>;
  const conditions = (cfg['conditions'] as Condition[] | undefined) ?? [];
  return new FormGroup({
    fromStatus: nn<CaseStatus[]>((cfg['fromStatus'] as CaseStatus[] | undefined) ?? []),
    toStatus: nn<CaseStatus[]>((cfg['toStatus'] as CaseStatus[] | undefined) ?? []),
    event: nn<EventName | ''>((cfg['event'] as EventName | undefined) ?? ''),
    cron: nn<string>((cfg['cron'] as string | undefined) ?? (type === 'TIME_BASED' ? '' : '0 * * * *')),
    timeZone: nn<string>((cfg['timeZone'] as string | undefined) ?? 'UTC'),
    match: nn<'ALL' | 'ANY'>((cfg['match'] as 'ALL' | 'ANY' | undefined) ?? 'ALL'),
    conditions: new FormArray(conditions.map((c) => createConditionForm(c))),
  });
}

export function createActionForm(action?: Partial<WorkflowAction>): ActionForm {
  const cfg: ActionConfig = action?.actionConfig ?? {};
  const form: ActionForm = new FormGroup({
    id: new FormControl<string | null>(action?.id ?? null),
    actionType: nn<ActionType>(action?.actionType ?? 'SEND_NOTIFICATION', [Validators.required]),
    status: nn<CaseStatus | ''>(cfg.status ?? ''),
    assignMode: nn<AssignMode>(cfg.strategy ? 'STRATEGY' : 'USER'),
    userId: nn(cfg.userId ?? ''),
    strategy: nn<AssignStrategy>(cfg.strategy ?? 'ROUND_ROBIN'),
    role: nn<Role | ''>(cfg.role ?? ''),
    tag: nn(cfg.tag ?? ''),
    recipients: nn<string[]>(cfg.recipients ?? []),
    title: nn(cfg.title ?? ''),
    message: nn(cfg.message ?? ''),
    priority: nn<NotificationPriority>(cfg.priority ?? 'NORMAL'),
    webhookId: nn(cfg.webhookId ?? ''),
  });
  applyActionType(form);
  return form;
}

export function createRuleForm(rule?: WorkflowRule): RuleForm {
  const triggerType = rule?.triggerType ?? 'STATUS_CHANGE';
  const form: RuleForm = new FormGroup({
    name: nn(rule?.name ?? '', [Validators.required, Validators.maxLength(200)]),
    description: nn(rule?.description ?? ''),
    isEnabled: nn(rule?.isEnabled ?? true),
    priority: nn(rule?.priority ?? 100, [Validators.required, Validators.min(0)]),
    cooldownSeconds: nn(rule?.cooldownSeconds ?? 300, [Validators.required, Validators.min(0)]),
    stopProcessing: nn(rule?.stopProcessing ?? false),
    scopeCodes: nn<string[]>(rule?.scopeCodes ?? []),
    caseTypes: nn<CaseType[]>(rule?.caseTypes ?? []),
    triggerType: nn<TriggerType>(triggerType, [Validators.required]),
    trigger: createTriggerForm(triggerType, rule?.triggerConfig),
    actions: new FormArray(sortBySequence(rule?.actions ?? []).map((a) => createActionForm(a))),
  });
  applyTriggerType(form);
  return form;
}

function sortBySequence(actions: WorkflowAction[]): WorkflowAction[] {
  return [...actions].sort((a, b) => a.sequence - b.sequence);
}

// ---------------------------------------------------------------- per-kind validation

function need(control: AbstractControl, enabled: boolean, validators: ValidatorFn[] = []): void {
  control.setValidators(enabled ? validators : null);
  control.updateValueAndValidity({ emitEvent: false });
}

/** Only the editor of the chosen trigger kind is validated. */
export function applyTriggerType(form: RuleForm): void {
  const type = form.controls.triggerType.value;
  const t = form.controls.trigger.controls;
  need(t.event, type === 'EVENT', [Validators.required]);
  need(t.cron, type === 'TIME_BASED', [Validators.required, cronValidator]);
  need(t.conditions, type === 'CONDITION' || type === 'TIME_BASED', [atLeastOne]);
  form.controls.trigger.updateValueAndValidity({ emitEvent: false });
}

/** Only the fields the action type uses are validated. */
export function applyActionType(form: ActionForm): void {
  const c = form.controls;
  const type = c.actionType.value;
  const byUser = c.assignMode.value === 'USER';
  need(c.status, type === 'CHANGE_STATUS', [Validators.required]);
  need(c.userId, type === 'ASSIGN_USER' && byUser, [Validators.required]);
  need(c.strategy, type === 'ASSIGN_USER' && !byUser, [Validators.required]);
  need(c.tag, type === 'ADD_TAG', [Validators.required, Validators.maxLength(50)]);
  need(c.recipients, type === 'SEND_NOTIFICATION', [atLeastOne]);
  need(c.title, type === 'SEND_NOTIFICATION', [Validators.required]);
  need(c.message, type === 'SEND_NOTIFICATION' || type === 'CREATE_TIMELINE', [Validators.required]);
  need(c.webhookId, type === 'CALL_WEBHOOK', [Validators.required]);
  form.updateValueAndValidity({ emitEvent: false });
}

/** A condition's value is required unless its op takes none. */
export function applyConditionValueRule(form: ConditionForm, meta: WorkflowMeta): void {
  const kind = valueKindFor(fieldMeta(form.controls.field.value, meta), form.controls.op.value);
  const validators =
    kind === 'none' ? [] : kind === 'enumList' || kind === 'textList' ? [atLeastOne] : [Validators.required];
  need(form.controls.value, validators.length > 0, validators);
}

// ---------------------------------------------------------------- actions list

/** Drag-and-drop reorder: the FormArray order is the action order (sequence = index). */
export function moveAction(actions: FormArray<ActionForm>, from: number, to: number): void {
  if (from === to) return;
  const controls = [...actions.controls];
  moveItemInArray(controls, from, to);
  actions.clear({ emitEvent: false });
  controls.forEach((control) => actions.push(control, { emitEvent: false }));
  actions.updateValueAndValidity();
  actions.markAsDirty();
}

// ---------------------------------------------------------------- payload

export function buildConditions(conditions: ConditionForm['value'][] | Condition[], meta: WorkflowMeta): Condition[] {
  return conditions.map((c) => {
    const field = c.field ?? '';
    const op = c.op ?? '';
    const kind = valueKindFor(fieldMeta(field, meta), op);
    const value = coerceConditionValue(kind, c.value);
    return value === undefined ? { field, op } : { field, op, value };
  });
}

export function buildTriggerConfig(type: TriggerType, trigger: TriggerFormValue, meta: WorkflowMeta): TriggerConfig {
  const conditions = buildConditions(trigger.conditions, meta);
  switch (type) {
    case 'STATUS_CHANGE': {
      const config: TriggerConfig = {};
      if (trigger.fromStatus.length) config.fromStatus = [...trigger.fromStatus];
      if (trigger.toStatus.length) config.toStatus = [...trigger.toStatus];
      if (conditions.length) config.conditions = conditions;
      return config;
    }
    case 'EVENT':
      return conditions.length
        ? { event: trigger.event as EventName, conditions }
        : { event: trigger.event as EventName };
    case 'CONDITION':
      return { conditions, match: trigger.match };
    case 'TIME_BASED':
      return { cron: trigger.cron.trim().replace(/\s+/g, ' '), timeZone: trigger.timeZone.trim() || 'UTC', conditions };
  }
}

export function buildActionConfig(action: ActionFormValue): ActionConfig {
  switch (action.actionType) {
    case 'CHANGE_STATUS':
      return { status: action.status as CaseStatus };
    case 'ASSIGN_USER':
      if (action.assignMode === 'USER') return { userId: action.userId };
      return action.role ? { strategy: action.strategy, role: action.role } : { strategy: action.strategy };
    case 'ADD_TAG':
      return { tag: action.tag.trim().toLowerCase() };
    case 'SEND_NOTIFICATION':
      return {
        recipients: [...action.recipients],
        title: action.title,
        message: action.message,
        priority: action.priority,
      };
    case 'CREATE_TIMELINE':
      return { message: action.message };
    case 'CALL_WEBHOOK':
      return { webhookId: action.webhookId };
  }
}

export function buildActionRequests(actions: ActionFormValue[]): ActionRequest[] {
  return actions.map((action, index) => ({
    actionType: action.actionType,
    actionConfig: buildActionConfig(action),
    sequence: index,
  }));
}

/** The rule's own fields (everything but its actions). */
export function buildRuleFields(value: RuleFormValue, meta: WorkflowMeta): Omit<RuleRequest, 'actions'> {
  return {
    name: value.name.trim(),
    description: value.description.trim(),
    triggerType: value.triggerType,
    triggerConfig: buildTriggerConfig(value.triggerType, value.trigger, meta),
    isEnabled: value.isEnabled,
    priority: Number(value.priority),
    stopProcessing: value.stopProcessing,
    cooldownSeconds: Number(value.cooldownSeconds),
    scopeCodes: [...value.scopeCodes],
    caseTypes: [...value.caseTypes],
  };
}

/** The whole body of POST /workflows/rules and PUT /workflows/rules/:id, actions included (sequence = position). */
export function buildRulePayload(value: RuleFormValue, meta: WorkflowMeta): RuleRequest {
  return { ...buildRuleFields(value, meta), actions: buildActionRequests(value.actions) };
}
