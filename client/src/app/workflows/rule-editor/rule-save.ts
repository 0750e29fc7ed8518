import { Observable, catchError, concat, switchMap, tap, throwError, toArray } from 'rxjs';
import { parseFieldMessage } from '../../core/server-validation';
import { errorMessages } from '../../core/api-errors';
import { WorkflowsApi } from '../workflows-api';
import { ActionRequest, WorkflowAction, WorkflowMeta, WorkflowRule } from '../workflow.models';
import { ActionFormValue, RuleForm, buildActionRequests, buildRuleFields } from './rule-form';

export interface ActionSyncPlan {
  deletes: string[];
  updates: { id: string; request: ActionRequest; index: number }[];
  creates: { request: ActionRequest; index: number }[];
}

/** What to POST / PATCH / DELETE so the saved actions become the edited list. */
export function planActionSync(saved: WorkflowAction[], edited: ActionFormValue[]): ActionSyncPlan {
  const requests = buildActionRequests(edited);
  const keptIds = new Set(edited.map((a) => a.id).filter((id): id is string => !!id));
  const savedById = new Map(saved.map((a) => [a.id, a]));
  const plan: ActionSyncPlan = {
    deletes: saved.filter((a) => !keptIds.has(a.id)).map((a) => a.id),
    updates: [],
    creates: [],
  };
  edited.forEach((action, index) => {
    const request = requests[index];
    const original = action.id ? savedById.get(action.id) : undefined;
    if (!original) {
      plan.creates.push({ request, index });
    } else if (
      original.actionType !== request.actionType ||
      original.sequence !== request.sequence ||
      !sameJson(original.actionConfig, request.actionConfig)
    ) {
      plan.updates.push({ id: original.id, request, index });
    }
  });
  return plan;
}

function sameJson(a: unknown, b: unknown): boolean {
  return stableJson(a) === stableJson(b);
}

export function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([x], [y]) => x.localeCompare(y)))
      : v,
  );
}

/** A failed save, with the server's messages already phrased against the rule form's paths. */
export class RuleSaveError extends Error {
  constructor(
    readonly messages: string[],
    readonly httpError: unknown,
  ) {
    super(messages.join('; '));
  }
}

/**
 * Messages from /rules/:id/actions[/:actionId] name fields of that one action ("actionConfig.title: …");
 * rephrase them as "actions[2].actionConfig.title: …" so they land beside the right action.
 */
export function messagesForAction(messages: string[], index: number): string[] {
  return messages.map((message) => {
    const { path } = parseFieldMessage(message);
    if (!path) return `Action ${index + 1}: ${message}`;
    if (path[0] === 'actionConfig' || path[0] === 'actionType' || path[0] === 'sequence') {
      return `actions[${index}].${message}`;
    }
    return `actions[${index}].actionConfig.${message}`;
  });
}

/**
 * Saves an existing rule: PATCH its fields, then DELETE / PATCH / POST actions so they match the form,
 * one request at a time. New actions get their ids written back into the form as they are created,
 * so a retry after a partial failure does not create them twice.
 */
export function saveExistingRule(
  api: WorkflowsApi,
  saved: WorkflowRule,
  form: RuleForm,
  meta: WorkflowMeta,
): Observable<WorkflowRule> {
  const value = form.getRawValue();
  const fail = (index: number | null) =>
    catchError((err: unknown) => {
      const messages = errorMessages(err);
      return throwError(() => new RuleSaveError(index === null ? messages : messagesForAction(messages, index), err));
    });

  const plan = planActionSync(saved.actions ?? [], value.actions);
  const steps: Observable<unknown>[] = [
    api.updateRule(saved.id, buildRuleFields(value, meta)).pipe(fail(null)),
    ...plan.deletes.map((actionId) => api.deleteAction(saved.id, actionId).pipe(fail(null))),
    ...plan.updates.map(({ id, request, index }) => api.updateAction(saved.id, id, request).pipe(fail(index))),
    ...plan.creates.map(({ request, index }) =>
      api.addAction(saved.id, request).pipe(
        tap((created) => form.controls.actions.at(index)?.controls.id.setValue(created.id)),
        fail(index),
      ),
    ),
  ];
  // toArray waits for every step; then the saved rule is read back as the server now has it.
  return concat(...steps).pipe(
    toArray(),
    switchMap(() => api.rule(saved.id)),
  );
}
