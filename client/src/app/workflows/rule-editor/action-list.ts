import { ChangeDetectionStrategy, Component, ElementRef, inject, input } from '@angular/core';
import { FormArray } from '@angular/forms';
import { CdkDragDrop, DragDropModule } from '@angular/cdk/drag-drop';
import { MatButtonModule } from '@angular/material/button';
import { MatIconModule } from '@angular/material/icon';
import { MatTooltipModule } from '@angular/material/tooltip';
import { WorkflowMeta } from '../workflow.models';
import { ActionEditor } from './action-editor';
import { ActionForm, createActionForm, moveAction } from './rule-form';

/** The rule's actions in run order; drag (or the arrow buttons) to reorder. */
@Component({
  selector: 'app-action-list',
  imports: [DragDropModule, MatButtonModule, MatIconModule, MatTooltipModule, ActionEditor],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './action-list.html',
  styleUrl: './action-list.scss',
})
export class ActionList {
  private readonly host = inject<ElementRef<HTMLElement>>(ElementRef);

  readonly actions = input.required<FormArray<ActionForm>>();
  readonly meta = input.required<WorkflowMeta>();

  protected dropped(event: CdkDragDrop<unknown>): void {
    moveAction(this.actions(), event.previousIndex, event.currentIndex);
  }

  protected move(index: number, delta: number): void {
    const target = index + delta;
    if (target < 0 || target >= this.actions().length) return;
    moveAction(this.actions(), index, target);
  }

  protected add(): void {
    this.actions().push(createActionForm({ actionType: 'SEND_NOTIFICATION' }));
    this.actions().markAsDirty();
    // Focus the new action's type select so keyboard users land on it.
    setTimeout(() => {
      const selects = this.host.nativeElement.querySelectorAll<HTMLElement>('[data-testid="action-type"]');
      selects[selects.length - 1]?.focus();
    });
  }

  protected remove(index: number): void {
    this.actions().removeAt(index);
    this.actions().markAsDirty();
  }
}
