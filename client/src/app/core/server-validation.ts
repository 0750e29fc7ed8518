import { AbstractControl } from '@angular/forms';

export interface FieldMessage {
  /** e.g. ['triggerConfig', 'conditions', '0', 'op']; null when the message names no field. */
  path: string[] | null;
  /** The message as the server wrote it. */
  message: string;
  /** What to show beside the field: the message without its "path: " prefix. */
  fieldText: string;
}

const PATH = String.raw`[A-Za-z_][\w]*(?:\[\d+\]|\.[A-Za-z_\d][\w]*)*`;
const COLON_FORM = new RegExp(`^(${PATH})\\s*:\\s*(.+)$`, 's');
const CLASS_VALIDATOR_FORM = new RegExp(`^(${PATH})\\s+(?:must|should|is|has|each|contains|cannot|can't|may|needs|property)\\b`, 's');

/**
 * Reads which field a server validation message is about:
 * "triggerConfig.conditions[0].op: not allowed" and class-validator's "name should not be empty".
 */
export function parseFieldMessage(message: string): FieldMessage {
  const colon = COLON_FORM.exec(message);
  if (colon) return { path: splitPath(colon[1]), message, fieldText: colon[2].trim() };
  const plain = CLASS_VALIDATOR_FORM.exec(message);
  if (plain) return { path: splitPath(plain[1]), message, fieldText: message };
  return { path: null, message, fieldText: message };
}

export function splitPath(path: string): string[] {
  return path
    .replace(/\[(\d+)\]/g, '.$1')
    .split('.')
    .filter((part) => part.length > 0);
}

export type ControlResolver = (path: string[]) => AbstractControl | null;

/** Default resolver: the path as it is, inside the given form. */
export function resolveInside(root: AbstractControl): ControlResolver {
  return (path) => root.get(path);
}

/**
 * Puts each message on the control it names (as the `server` error, shown with mat-error) and returns
 * the messages that belong to no control, for a form-level error box.
 */
export function applyServerErrors(messages: string[], resolve: ControlResolver): string[] {
  const unplaced: string[] = [];
  for (const raw of messages) {
    const { path, message, fieldText } = parseFieldMessage(raw);
    const control = path ? resolve(path) : null;
    if (!control) {
      unplaced.push(message);
      continue;
    }
    const previous = control.errors?.['server'] as string | undefined;
    control.setErrors({ ...(control.errors ?? {}), server: previous ? `${previous} ${fieldText}` : fieldText });
    control.markAsTouched();
  }
  return unplaced;
}

/** Brings the first invalid form field into view (after the view has shown the errors). */
export function scrollToFirstInvalidField(): void {
  setTimeout(() => {
    const field = document.querySelector('.mat-form-field-invalid, .field-error, .row-error');
    field?.scrollIntoView({ behavior: 'smooth', block: 'center' });
  });
}

/** Removes every `server` error below (and at) the control. */
export function clearServerErrors(control: AbstractControl): void {
  if (control.errors?.['server']) {
    const { server: _server, ...rest } = control.errors;
    control.setErrors(Object.keys(rest).length ? rest : null);
  }
  const children = (control as { controls?: Record<string, AbstractControl> | AbstractControl[] }).controls;
  if (children) Object.values(children).forEach((child) => clearServerErrors(child));
}
