import { FormControl } from '@angular/forms';

/** Problems of a title/message template against the whitelist, or null. Mirrors the server's check. */
export function templateProblem(text: string, variables: readonly string[]): string | null {
  if (!text) return null;
  const opens = (text.match(/\{\{/g) ?? []).length;
  const closes = (text.match(/\}\}/g) ?? []).length;
  if (opens !== closes) return 'Unbalanced {{ }} braces';
  const unknown: string[] = [];
  for (const match of text.matchAll(/\{\{\s*([^{}]*?)\s*\}\}/g)) {
    if (!variables.includes(match[1])) unknown.push(match[1] || '(empty)');
  }
  return unknown.length ? `Unknown variable${unknown.length > 1 ? 's' : ''}: ${unknown.map((v) => `{{${v}}}`).join(', ')}` : null;
}

/** Inserts `{{variable}}` where the caret is in the input (or at the end) and keeps the control in step. */
export function insertVariable(
  element: HTMLInputElement | HTMLTextAreaElement,
  control: FormControl<string>,
  variable: string,
): void {
  const token = `{{${variable}}}`;
  const current = control.value ?? '';
  const start = element.selectionStart ?? current.length;
  const end = element.selectionEnd ?? start;
  const next = current.slice(0, start) + token + current.slice(end);
  control.setValue(next);
  control.markAsDirty();
  const caret = start + token.length;
  element.focus();
  element.setSelectionRange(caret, caret);
}
