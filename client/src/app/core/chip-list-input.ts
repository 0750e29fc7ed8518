import { ChangeDetectionStrategy, Component, forwardRef, input, signal } from '@angular/core';
import { ControlValueAccessor, NG_VALUE_ACCESSOR } from '@angular/forms';
import { COMMA, ENTER } from '@angular/cdk/keycodes';
import { MatChipInputEvent, MatChipsModule } from '@angular/material/chips';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';

export type ChipNormalizer = (raw: string) => string;

export const lowercaseChip: ChipNormalizer = (raw) => raw.trim().toLowerCase();
export const uppercaseChip: ChipNormalizer = (raw) => raw.trim().toUpperCase();

/**
 * A list of short strings (tags, scope codes) edited as Material chips; a form control of string[].
 * Enter or comma adds the typed text; duplicates are ignored.
 */
@Component({
  selector: 'app-chip-list-input',
  imports: [MatChipsModule, MatFormFieldModule, MatIconModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  providers: [{ provide: NG_VALUE_ACCESSOR, useExisting: forwardRef(() => ChipListInput), multi: true }],
  template: `
    <mat-form-field class="chip-field">
      <mat-label>{{ label() }}</mat-label>
      <mat-chip-grid #grid [attr.aria-label]="label()" [disabled]="disabled()">
        @for (value of values(); track value) {
          <mat-chip-row (removed)="remove(value)" [editable]="false" [attr.data-testid]="testId() + '-chip'">
            {{ value }}
            <button matChipRemove [attr.aria-label]="'Remove ' + value"><mat-icon svgIcon="cancel" /></button>
          </mat-chip-row>
        }
      </mat-chip-grid>
      <!-- Beside the grid, not in it: a grid may only hold rows (WCAG 1.3.1, axe aria-required-children). -->
      <input class="chip-text" [placeholder]="placeholder()" [matChipInputFor]="grid"
             [matChipInputSeparatorKeyCodes]="separators" [matChipInputAddOnBlur]="true"
             (matChipInputTokenEnd)="add($event)" (blur)="onTouched()"
             [attr.data-testid]="testId()" [attr.maxlength]="maxLength()" />
      @if (hint()) { <mat-hint>{{ hint() }}</mat-hint> }
    </mat-form-field>
  `,
  styles: `:host { display: block; } .chip-field { width: 100%; } .chip-text { width: 100%; margin-top: 4px; }`,
})
export class ChipListInput implements ControlValueAccessor {
  readonly label = input.required<string>();
  readonly placeholder = input('Type and press Enter');
  readonly hint = input('');
  readonly testId = input('chips');
  readonly maxLength = input(50);
  readonly normalize = input<ChipNormalizer>(lowercaseChip);

  protected readonly values = signal<string[]>([]);
  protected readonly disabled = signal(false);
  protected readonly separators = [ENTER, COMMA] as const;

  private onChange: (value: string[]) => void = () => undefined;
  protected onTouched: () => void = () => undefined;

  writeValue(value: string[] | null): void {
    this.values.set(Array.isArray(value) ? [...value] : []);
  }

  registerOnChange(fn: (value: string[]) => void): void {
    this.onChange = fn;
  }

  registerOnTouched(fn: () => void): void {
    this.onTouched = fn;
  }

  setDisabledState(isDisabled: boolean): void {
    this.disabled.set(isDisabled);
  }

  protected add(event: MatChipInputEvent): void {
    const value = this.normalize()(event.value ?? '');
    event.chipInput.clear();
    if (!value || this.values().includes(value)) return;
    this.values.update((values) => [...values, value]);
    this.onChange(this.values());
  }

  protected remove(value: string): void {
    this.values.update((values) => values.filter((v) => v !== value));
    this.onChange(this.values());
    this.onTouched();
  }
}
