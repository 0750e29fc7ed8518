import { ChangeDetectionStrategy, Component, input, output } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatIconModule } from '@angular/material/icon';
import { MatMenuModule } from '@angular/material/menu';
import { MatTooltipModule } from '@angular/material/tooltip';

/** A button opening the list of template variables; picking one emits its name. */
@Component({
  selector: 'app-template-variable-menu',
  imports: [MatButtonModule, MatIconModule, MatMenuModule, MatTooltipModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <button mat-icon-button type="button" [matMenuTriggerFor]="menu" matTooltip="Insert a variable"
            [attr.aria-label]="'Insert a variable into ' + fieldLabel()" [attr.data-testid]="testId()">
      <mat-icon svgIcon="data_object" />
    </button>
    <mat-menu #menu="matMenu">
      @for (variable of variables(); track variable) {
        <button mat-menu-item type="button" (click)="picked.emit(variable)" data-testid="template-variable"
                [attr.data-variable]="variable">
          <span class="mono">{{ '{{' + variable + '}}' }}</span>
        </button>
      }
    </mat-menu>
  `,
})
export class TemplateVariableMenu {
  readonly variables = input.required<readonly string[]>();
  readonly fieldLabel = input('the field');
  readonly testId = input('template-variable-button');
  readonly picked = output<string>();
}
