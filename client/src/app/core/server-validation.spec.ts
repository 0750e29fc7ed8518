import { FormArray, FormControl, FormGroup } from '@angular/forms';
import { applyServerErrors, parseFieldMessage, resolveInside } from './server-validation';

describe('parseFieldMessage', () => {
  it('reads the path before the colon, brackets and all', () => {
    expect(parseFieldMessage('triggerConfig.conditions[0].op: gt does not fit status').path).toEqual([
      'triggerConfig',
      'conditions',
      '0',
      'op',
    ]);
    expect(parseFieldMessage('actions[1].actionConfig.title: unknown template variable {{foo}}').path).toEqual([
      'actions',
      '1',
      'actionConfig',
      'title',
    ]);
  });

  it('reads class-validator style messages that start with the property', () => {
    expect(parseFieldMessage('name should not be empty').path).toEqual(['name']);
    expect(parseFieldMessage('cooldownSeconds must not be less than 0').path).toEqual(['cooldownSeconds']);
  });

  it('leaves messages that name no field alone', () => {
    expect(parseFieldMessage('A rule with this name already exists').path).toBeNull();
  });
});

describe('applyServerErrors', () => {
  it('puts messages on the named controls and returns the rest', () => {
    const form = new FormGroup({
      name: new FormControl(''),
      items: new FormArray([new FormGroup({ op: new FormControl('eq') })]),
    });
    const rest = applyServerErrors(
      ['name: already taken', 'items[0].op: not allowed', 'rule is locked', 'items[5].op: nope', 'name should not be empty'],
      resolveInside(form),
    );
    expect(form.get(['items', 0, 'op'])?.getError('server')).toBe('not allowed');
    expect(form.controls.name.touched).toBe(true);
    // the path prefix is dropped beside the field; a second message for it is appended
    expect(form.controls.name.getError('server')).toBe('already taken name should not be empty');
    expect(rest).toEqual(['rule is locked', 'items[5].op: nope']);
  });
});
