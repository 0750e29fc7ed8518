import { ChangeDetectionStrategy, Component, computed, inject, input } from '@angular/core';
import { ReactiveFormsModule } from '@angular/forms';
import { TextFieldModule } from '@angular/cdk/text-field';
import { MatButtonToggleModule } from '@angular/material/button-toggle';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatSelectModule } from '@angular/material/select';
import { EnumLabelPipe } from '../../core/enum-label.pipe';
import { UsersDirectory } from '../../core/users-directory';
import { WebhookDirectory } from '../../webhooks/webhooks-api';
import { WorkflowMeta } from '../workflow.models';
import { ActionForm, applyActionType } from './rule-form';
import { TemplateVariableMenu } from './template-variable-menu';
import { insertVariable, templateProblem } from './template-text';

const RECIPIENT_LABELS: Record<string, string> = {
  ASSIGNEE: 'The case assignee',
  OWNER: 'The case owner',
  ADMINS: 'All admins',
};

/** The typed editor of one action. */
@Component({
  selector: 'app-action-editor',
  imports: [
    ReactiveFormsModule,
    TextFieldModule,
    MatButtonToggleModule,
    MatFormFieldModule,
    MatInputModule,
    MatSelectModule,
    EnumLabelPipe,
    TemplateVariableMenu,
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './action-editor.html',
  styleUrl: './action-editor.scss',
})
export class ActionEditor {
  protected readonly users = inject(UsersDirectory);
  protected readonly webhooks = inject(WebhookDirectory);

  constructor() {
    this.webhooks.ensureLoaded();
  }

  readonly action = input.required<ActionForm>();
  readonly meta = input.required<WorkflowMeta>();
  readonly index = input.required<number>();

  protected readonly recipientKinds = computed(() => this.meta().recipientKinds);

  protected recipientLabel(kind: string): string {
    return RECIPIENT_LABELS[kind] ?? kind;
  }

  protected recipientSummary(recipients: string[]): string {
    return recipients.map((id) => RECIPIENT_LABELS[id] ?? this.users.nameOf(id)).join(', ');
  }

  protected kindChanged(): void {
    applyActionType(this.action());
  }

  protected insert(element: HTMLInputElement | HTMLTextAreaElement, field: 'title' | 'message', variable: string): void {
    insertVariable(element, this.action().controls[field], variable);
  }

  protected templateWarning(text: string): string | null {
    return templateProblem(text, this.meta().templateVariables);
  }
}
