import { FormControl } from '@angular/forms';
import { insertVariable, templateProblem } from './template-text';

const vars = ['case.caseNumber', 'case.title', 'actor.name'];

describe('templateProblem', () => {
  it('accepts known variables and plain text', () => {
    expect(templateProblem('Case {{case.caseNumber}} by {{ actor.name }}', vars)).toBeNull();
    expect(templateProblem('no variables', vars)).toBeNull();
  });
  it('names unknown variables and unbalanced braces', () => {
    expect(templateProblem('{{foo}} and {{case.title}}', vars)).toBe('Unknown variable: {{foo}}');
    expect(templateProblem('{{case.title}', vars)).toBe('Unbalanced {{ }} braces');
  });
});

describe('insertVariable', () => {
  it('inserts at the caret, replacing a selection', () => {
    const input = document.createElement('input');
    document.body.appendChild(input);
    const control = new FormControl('Hello world', { nonNullable: true });
    input.value = control.value;
    input.setSelectionRange(6, 11); // "world"
    insertVariable(input, control, 'actor.name');
    expect(control.value).toBe('Hello {{actor.name}}');
    expect(control.dirty).toBe(true);
    input.remove();
  });
});
